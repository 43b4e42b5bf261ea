/** `tenantctl status`: the tenants and processes `up` started. */
import type { Command } from "commander";
import { frontDoorUrl } from "../../runtime/local/plan.js";
import { httpOk } from "../../runtime/local/supervisor.js";
import { EXIT, type Io } from "../io.js";
import { DEFAULT_STATE_DIR, localRuntime, processTable, statusOrFail } from "../local-state.js";
import { table } from "../table.js";
import { StateDir } from "../../runtime/local/state.js";
import { type KubeFlags, withCluster } from "../kube-options.js";
import { loadForCommand } from "../load.js";

export function statusCommand(program: Command, io: Io): void {
  program
    .command("status")
    .description("Show the tenants and processes that up started.")
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--urls", "only each tenant and its front door, one per line (for scripts)")
    .option(
      "--retained <spec>",
      "only what offboarded tenants keep, and through which day: in the cluster (with --kubeconfig/--context) and in the state directory",
    )
    .option("--kubeconfig <file>", "with --retained: kubeconfig file")
    .option("--context <name>", "with --retained: kubeconfig context")
    .action(async (flags: { stateDir: string; urls?: boolean; retained?: string } & KubeFlags) => {
      if (flags.retained !== undefined) {
        await retained(flags.retained, flags, io);
        return;
      }
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

/** What offboarded tenants keep: objects in the cluster, data in the state directory. */
async function retained(file: string, flags: { stateDir: string } & KubeFlags, io: Io): Promise<void> {
  const rows: string[][] = [];
  if (flags.kubeconfig !== undefined || flags.context !== undefined) {
    const { model } = await loadForCommand(file, io, flags.cluster);
    const { listRetained } = await import("../../deploy/retention.js");
    const objects = await withCluster(flags, (client) => listRetained(client, model));
    for (const o of objects) rows.push([o.tenant, o.object, o.until]);
  }
  const { retainedTenants } = await import("../../runtime/local/offboard.js");
  for (const r of retainedTenants(new StateDir(flags.stateDir)))
    rows.push([r.tenant, `database, backup ${r.backup}, keys in ${r.escrow} (this machine)`, r.until]);
  io.out(
    rows.length === 0
      ? "no offboarded tenant's data is kept\n"
      : `${table(["tenant", "kept", "through"], rows)}\n`,
  );
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
