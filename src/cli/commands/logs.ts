/** `tenantctl logs`: the logs of a tenant's processes in the state directory. */
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { logFileName, type Plan, processName } from "../../runtime/local/plan.js";
import { StateDir } from "../../runtime/local/state.js";
import type { Io } from "../io.js";
import { DEFAULT_STATE_DIR } from "../local-state.js";

export function logsCommand(program: Command, io: Io): void {
  program
    .command("logs")
    .description("Print the logs of a tenant's processes.")
    .argument("<tenant>", "tenant name")
    .option("--process <name>", "main, worker-1, webhook, runner-main, postgres, redis …")
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--lines <n>", "last lines of each log", "50")
    .action((tenant: string, flags: { process?: string; stateDir: string; lines: string }) => {
      const state = new StateDir(flags.stateDir);
      const plan = state.readJson<Plan>("plan.json", { platform: "", services: [], routers: [] });
      // The tenant's own services, named as --process spells them.
      const services = plan.services.filter((s) => s.tenant === tenant && s.kind !== "provision");
      const wanted = services
        .filter((s) => flags.process === undefined || processName(s) === flags.process)
        .map((s) => logFileName(s.name))
        .filter((f) => existsSync(state.path("logs", f)));
      if (wanted.length === 0) {
        const known = services.map(processName).join(", ");
        throw failure(
          "usage/no-logs",
          `no logs of tenant ${JSON.stringify(tenant)}${flags.process ? ` process ${flags.process}` : ""} in ${state.path("logs")}`,
          known === ""
            ? "run tenantctl status to see the tenants that up started"
            : `its processes are ${known}`,
        );
      }
      const dir = state.path("logs");
      for (const f of wanted.sort()) {
        const lines = readFileSync(`${dir}/${f}`, "utf8").trimEnd().split("\n");
        io.out(`==> ${f} <==\n${lines.slice(-Number(flags.lines)).join("\n")}\n`);
      }
    });
}
