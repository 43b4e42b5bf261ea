import { loadForCommand } from "../load.js";
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { logFileName, type Plan, processName, type Status } from "../../runtime/local/plan.js";
import { checkPrerequisites } from "../../runtime/local/prerequisites.js";
import { StateDir } from "../../runtime/local/state.js";
import { httpOk } from "../../runtime/local/supervisor.js";
/** The local runtime (PostgreSQL driver and all), loaded only by the commands that run it. */
const runtime = () => import("../../runtime/local/up.js");
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";
import { PINNED } from "../../versions.js";

/** `up`, `status`, `logs`, `down`, `doctor`: the platform's tenants on this machine. */
const DEFAULT_STATE_DIR = ".tenantctl";

export function localCommands(program: Command, io: Io): void {
  program
    .command("up")
    .description(
      "Run the platform's tenants on this machine: PostgreSQL, Redis and n8n in queue mode, isolated per tenant.",
    )
    .argument("<spec>", "path of platform.yaml")
    .option("--tenants <names>", "only these tenants, comma-separated")
    .option("--state-dir <dir>", "where data, secrets (0600) and logs live", DEFAULT_STATE_DIR)
    .option("--data-only", "start PostgreSQL and Redis only, no n8n")
    .action(async (file: string, flags: { tenants?: string; stateDir: string; dataOnly?: boolean }) => {
      const { model } = await loadForCommand(file, io);
      const { up } = await runtime();
      const report = await up(model, {
        stateDir: flags.stateDir,
        ...(flags.tenants === undefined ? {} : { tenants: flags.tenants.split(",").map((t) => t.trim()) }),
        dataOnly: flags.dataOnly ?? false,
        progress: (line) => io.err(`${line}\n`),
      });
      io.out(
        `${report.alreadyUp ? "already up" : `up in ${report.seconds.toFixed(1)} s`} (state: ${flags.stateDir})\n`,
      );
      io.out(
        `${tenantTable(
          report.status,
          report.tenants.map((t) => ({ name: t.tenant.name, url: t.url })),
        )}\n`,
      );
    });

  program
    .command("status")
    .description("Show the tenants and processes that up started.")
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .action(async (flags: { stateDir: string }) => {
      const status = await statusOrFail(flags.stateDir);
      const { alive } = await runtime();
      const running = alive(status.supervisorPid);
      io.out(`supervisor ${running ? `running (pid ${status.supervisorPid})` : "stopped"}\n`);
      const rows = await Promise.all(
        status.routers.map(async (r) => [
          r.tenant,
          `http://127.0.0.1:${r.port}/`,
          (await httpOk(`http://127.0.0.1:${r.port}/healthz`)) ? "answering" : "not answering",
        ]),
      );
      if (rows.length > 0) io.out(`${table(["tenant", "editor", "front door"], rows)}\n`);
      io.out(`${processTable(status)}\n`);
      if (!running) io.setExitCode(EXIT.invalid);
    });

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

  program
    .command("down")
    .description(
      "Stop every process that up started. Data is kept; --purge deletes it after listing what goes.",
    )
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--purge", "delete the state directory: databases, secrets (encryption keys!), logs")
    .action(async (flags: { stateDir: string; purge?: boolean }) => {
      const state = new StateDir(flags.stateDir);
      const { purge, purgeList, stopSupervisor } = await runtime();
      const stopped = await stopSupervisor(state);
      io.out(stopped ? "stopped every process; the data is kept\n" : "nothing was running\n");
      if (flags.purge) {
        const doomed = purgeList(flags.stateDir);
        io.out("deleting (--purge):\n");
        for (const d of doomed) io.out(`  ${d.path}  ${(d.bytes / 2 ** 20).toFixed(1)} MiB\n`);
        purge(flags.stateDir);
        io.out(`deleted ${flags.stateDir}\n`);
      }
    });

  program
    .command("doctor")
    .description("Say which prerequisites of up are missing, and the command that installs each.")
    .argument("[spec]", "path of platform.yaml (to check its n8n versions)")
    .action(async (file: string | undefined) => {
      const versions =
        file === undefined
          ? [PINNED.n8n]
          : (await loadForCommand(file, io)).model.tenants.map((t) => t.settings.n8n.version);
      const checks = checkPrerequisites(versions);
      io.out(
        `${table(
          ["", "prerequisite", "found", "fix"],
          checks.map((c) => [c.ok ? "ok" : "MISSING", c.name, c.found, c.ok ? "" : c.fix]),
        )}\n`,
      );
      if (checks.some((c) => !c.ok && !c.name.startsWith("n8n "))) io.setExitCode(EXIT.invalid);
    });
}

async function statusOrFail(stateDir: string): Promise<Status> {
  const { readStatus } = await runtime();
  const status = readStatus(new StateDir(stateDir));
  if (!status)
    throw failure(
      "usage/not-up",
      `nothing was started with state directory ${stateDir}`,
      "run tenantctl up <spec> first, or pass --state-dir",
    );
  return status;
}

function tenantTable(status: Status, tenants: readonly { name: string; url: string }[]): string {
  const rows = tenants.map((t) => {
    const processes = Object.entries(status.services).filter(([name]) => name.split(":")[1] === t.name);
    const ready = processes.filter(([, s]) => s.state === "ready").length;
    return [t.name, t.url, `${ready}/${processes.length} ready`];
  });
  return `${table(["tenant", "editor", "processes"], rows)}\n${processTable(status)}`;
}

function processTable(status: Status): string {
  return table(
    ["process", "state", "pid", "restarts", "last exit"],
    Object.entries(status.services).map(([name, s]) => [
      name,
      s.state,
      String(s.pid ?? ""),
      String(s.restarts),
      s.lastExit ?? "",
    ]),
  );
}
