/** `tenantctl status`: the tenants and processes `up` started. */
import type { Command } from "commander";
import { httpOk } from "../../runtime/local/supervisor.js";
import { EXIT, type Io } from "../io.js";
import { DEFAULT_STATE_DIR, localRuntime, processTable, statusOrFail } from "../local-state.js";
import { table } from "../table.js";

export function statusCommand(program: Command, io: Io): void {
  program
    .command("status")
    .description("Show the tenants and processes that up started.")
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .action(async (flags: { stateDir: string }) => {
      const status = await statusOrFail(flags.stateDir);
      const { alive } = await localRuntime();
      const running = alive(status.supervisorPid);
      io.out(`supervisor ${running ? `running (pid ${status.supervisorPid})` : "stopped"}\n`);
      const rows = await Promise.all(
        status.routers.map(async (r) => [
          r.tenant,
          `http://127.0.0.1:${r.port}/`,
          (await httpOk(`http://127.0.0.1:${r.port}${r.health}`)) ? "answering" : "not answering",
        ]),
      );
      if (rows.length > 0) io.out(`${table(["tenant", "front door", "answers"], rows)}\n`);
      io.out(`${processTable(status)}\n`);
      if (!running) io.setExitCode(EXIT.invalid);
    });
}
