/** `tenantctl status`: the tenants and processes `up` started. */
import type { Command } from "commander";
import { frontDoorUrl } from "../../runtime/local/plan.js";
import { httpOk } from "../../runtime/local/supervisor.js";
import { EXIT, type Io } from "../io.js";
import { DEFAULT_STATE_DIR, localRuntime, processTable, statusOrFail } from "../local-state.js";
import { table } from "../table.js";

export function statusCommand(program: Command, io: Io): void {
  program
    .command("status")
    .description("Show the tenants and processes that up started.")
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--urls", "only each tenant and its front door, one per line (for scripts)")
    .action(async (flags: { stateDir: string; urls?: boolean }) => {
      const status = await statusOrFail(flags.stateDir);
      if (flags.urls === true) {
        for (const r of status.routers) io.out(`${r.tenant}\t${frontDoorUrl(r)}\n`);
        return;
      }
      const { alive } = await localRuntime();
      const running = alive(status.supervisorPid);
      io.out(`supervisor ${running ? `running (pid ${status.supervisorPid})` : "stopped"}\n`);
      const rows = await Promise.all(
        status.routers.map(async (r) => [
          r.tenant,
          frontDoorUrl(r),
          (await httpOk(`http://127.0.0.1:${r.port}${r.health}`)) ? "answering" : "not answering",
        ]),
      );
      if (rows.length > 0) io.out(`${table(["tenant", "front door", "answers"], rows)}\n`);
      io.out(`${processTable(status)}\n`);
      if (!running) io.setExitCode(EXIT.invalid);
    });
}
