/**
 * `tenantctl offboard`: a tenant leaves with its data kept. A final backup first (in the cluster
 * a CloudNativePG Backup, waited for; on this machine a pg_dump with its keys escrowed apart);
 * only when that succeeded are its data-bearing objects marked with the day they are kept
 * through, and the tenant moved from `tenants:` to `offboarded:` in platform.yaml.
 */
import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { offboardEdit } from "../../edit/offboard.js";
import { editSpecFile } from "../../edit/spec-file.js";
import { RETENTION_PATTERN, retainedThrough } from "../../model/offboarding.js";
import type { Io } from "../io.js";
import { type KubeFlags, withCluster } from "../kube-options.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import { DEFAULT_STATE_DIR } from "../local-state.js";

interface Flags extends KubeFlags {
  readonly retain: string;
  readonly stateDir: string;
  readonly dryRun?: boolean;
  readonly backupTimeout: string;
}

export function offboardCommand(program: Command, io: Io): void {
  program
    .command("offboard")
    .description(
      "A tenant leaves, its data kept: a final backup (keys escrowed apart from it), its databases, volumes and keys marked with the day they are kept through (apply prunes them only after it, with --allow-data-loss), and the tenant moved from tenants: to offboarded: in platform.yaml.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant that leaves")
    .requiredOption("--retain <duration>", "how long its data is kept: 90d, 12w, 6m (months), 7y")
    .option("--kubeconfig <file>", "in the cluster too: kubeconfig file")
    .option("--context <name>", "in the cluster too: kubeconfig context")
    .option("--backup-timeout <minutes>", "how long to wait for the cluster's final backup", "30")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--dry-run", "show the change to platform.yaml; back up nothing, mark nothing")
    .action(async (file: string, name: string, flags: Flags) => {
      if (!RETENTION_PATTERN.test(flags.retain))
        throw failure(
          "usage/retain",
          `--retain ${flags.retain}: not a duration`,
          "a number and d (days), w (weeks), m (months) or y (years), such as 90d",
        );
      const { model } = await loadForCommand(file, io, flags.cluster);
      const tenant = (await import("../../runtime/local/up.js")).selectTenant(model, name);
      const until = retainedThrough(flags.retain, new Date());
      const progress = (line: string) => io.err(`${line}\n`);
      const inCluster = flags.kubeconfig !== undefined || flags.context !== undefined;
      const { StateDir } = await import("../../runtime/local/state.js");
      const { holdsTenant, offboardLocal } = await import("../../runtime/local/offboard.js");
      const local = holdsTenant(new StateDir(flags.stateDir), name);
      if (!inCluster && !local)
        throw failure(
          "offboard/nothing-to-back-up",
          `${name} has no data in ${flags.stateDir} and no cluster was named: there is nothing to take its final backup from`,
          "give --kubeconfig (and --context) of the cluster it runs on, or --state-dir of the up that runs it",
        );
      // The spec's edit checked first (a tenant an upgrade wave names cannot leave it, say): a
      // refused edit must not come after a backup taken and data marked.
      await editSpecFile(file, (text, spec) => offboardEdit(text, spec, name, until, "check"), {
        dryRun: true,
      });
      let backup: string | undefined;
      if (flags.dryRun !== true && inCluster) {
        const { requestClusterBackup, waitForClusterBackup } = await import("../../deploy/backup.js");
        const { markRetained } = await import("../../deploy/retention.js");
        await withCluster(flags, async (client) => {
          if (tenant.settings.database.isolation === "cluster") {
            progress(`final backup of ${name} in the cluster…`);
            const requested = await requestClusterBackup(client, tenant, new Date(), "offboard");
            const done = await waitForClusterBackup(
              client,
              requested,
              Number(flags.backupTimeout) * 60_000,
              progress,
            );
            if (done.phase !== "completed")
              throw failure(
                "offboard/backup-failed",
                `the final backup ${requested.name} ended ${done.phase ?? "without a phase"}${done.error ? `: ${done.error}` : ""}; ${name} was not offboarded`,
                "fix the backup (kubectl describe backup), then offboard again",
              );
            backup = requested.name;
          } else
            progress(
              `${name}'s database is ${tenant.settings.database.isolation === "rds" ? "on RDS: its deletion leaves a final snapshot (the AWS layer's removal policy)" : "on its zone's server: its backups and WAL archive hold it"}`,
            );
          progress(`marking what ${name} keeps through ${until}…`);
          await markRetained(client, model, tenant, until, progress);
        });
      }
      if (flags.dryRun !== true && local) {
        const { backup: taken, retained } = await offboardLocal(tenant, {
          stateDir: flags.stateDir,
          until,
          progress,
        });
        backup ??= taken.id;
        io.out(
          `final backup ${taken.id} (${taken.bytes} bytes); its keys escrowed apart in ${retained.escrow}\n`,
        );
      }
      const result = await editSpecFile(
        file,
        (text, spec) => offboardEdit(text, spec, name, until, backup),
        flags,
      );
      io.out(`--- ${file}\n+++ ${file}\n${result.diff.join("\n")}\n`);
      io.out(
        flags.dryRun === true
          ? "dry run: nothing backed up, marked or written\n"
          : `${name} offboarded: its data is kept through ${until}; apply prunes its workloads, and its data only after that day with --allow-data-loss\n`,
      );
    });
}
