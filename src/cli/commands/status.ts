/** `tenantctl status`: the tenants and processes `up` started. */
import type { Command } from "commander";
import { frontDoorUrl } from "../../runtime/local/plan.js";
import { httpOk } from "../../runtime/local/supervisor.js";
import { EXIT, type Io } from "../io.js";
import { DEFAULT_STATE_DIR, localRuntime, processTable, statusOrFail } from "../local-state.js";
import { table } from "../table.js";
import { StateDir } from "../../runtime/local/state.js";

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
      const { listBackups } = await import("../../runtime/local/backup.js");
      const state = new StateDir(flags.stateDir);
      const rows = await Promise.all(
        status.routers.map(async (r) => [
          r.tenant,
          frontDoorUrl(r),
          // Asking an asleep tenant's front door would wake it.
          (status.asleep ?? []).includes(r.tenant)
            ? "asleep (a request wakes it)"
            : (await httpOk(`http://127.0.0.1:${r.port}${r.health}`))
              ? "answering"
              : "not answering",
          lastBackup(listBackups(state, r.tenant).at(-1)?.createdAt),
        ]),
      );
      if (rows.length > 0) io.out(`${table(["tenant", "front door", "answers", "last backup"], rows)}\n`);
      io.out(`${processTable(status)}\n`);
      if (!running) io.setExitCode(EXIT.invalid);
    });
}

/** A backup's age, as people read it: "none" when there is none (tenantctl backup takes one). */
function lastBackup(createdAt: string | undefined): string {
  if (createdAt === undefined) return "none";
  const minutes = Math.round((Date.now() - Date.parse(createdAt)) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} days ago`;
}
