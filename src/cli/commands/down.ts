/** `tenantctl down`: stop what `up` started; data is kept unless --purge. */
import type { Command } from "commander";
import { StateDir } from "../../runtime/local/state.js";
import type { Io } from "../io.js";
import { mebibytes } from "../../lib/mebibytes.js";
import { DEFAULT_STATE_DIR, localRuntime } from "../local-state.js";

export function downCommand(program: Command, io: Io): void {
  program
    .command("down")
    .description(
      "Stop every process that up started. Data is kept; --purge deletes it after listing what goes.",
    )
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--purge", "delete the state directory: databases, secrets (encryption keys!), logs")
    .action(async (flags: { stateDir: string; purge?: boolean }) => {
      const state = new StateDir(flags.stateDir);
      const { purge, purgeList, stopSupervisor } = await localRuntime();
      // Refused before anything stops: an offboarded tenant's data outlives the machine's state only once its day has passed.
      if (flags.purge) (await import("../../runtime/local/offboard.js")).checkPurgeAllowed(flags.stateDir);
      const stopped = await stopSupervisor(state);
      io.out(stopped ? "stopped every process; the data is kept\n" : "nothing was running\n");
      if (flags.purge) {
        const doomed = purgeList(flags.stateDir);
        io.out("deleting (--purge):\n");
        for (const d of doomed) io.out(`  ${d.path}  ${mebibytes(d.bytes)}\n`);
        purge(flags.stateDir);
        io.out(`deleted ${flags.stateDir}\n`);
      }
    });
}
