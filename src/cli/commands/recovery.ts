/** `tenantctl backup`, `restore`, `drill`: a tenant's database on this machine, kept, brought back, and proven. */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { EXIT, type Io } from "../io.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import { DEFAULT_STATE_DIR } from "../local-state.js";
import { table } from "../table.js";
import { mebibytes } from "../../lib/mebibytes.js";
import { type KubeFlags, withCluster } from "../kube-options.js";
import type { Model } from "../../model/resolve.js";

const recovery = () => import("../../runtime/local/recovery.js");
const backups = () => import("../../runtime/local/backup.js");

interface Flags {
  readonly stateDir: string;
  readonly cluster?: string;
}

function common(file: string, flags: Flags, io: Io) {
  return {
    stateDir: flags.stateDir,
    specDirectory: dirname(resolve(file)),
    progress: (line: string) => io.err(`${line}\n`),
  };
}

export function recoveryCommands(program: Command, io: Io): void {
  program
    .command("backup")
    .description(
      "Back up a tenant's database: on this machine, pg_dump (custom format) with a manifest (release, time, size, checksum, row counts, key fingerprints), --list shows them; in the cluster (--in-cluster), a CloudNativePG Backup of its server.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--list", "list the tenant's backups instead of taking one")
    .option(
      "--in-cluster",
      "in the cluster: a CloudNativePG Backup of the tenant's server, to its object-store prefix",
    )
    .option(
      "--kubeconfig <file>",
      "with --in-cluster: kubeconfig file (default: $KUBECONFIG or ~/.kube/config)",
    )
    .option("--context <name>", "with --in-cluster: kubeconfig context")
    .option("--wait", "with --in-cluster: follow it until CloudNativePG reports completed or failed")
    .action(
      async (
        file: string,
        tenant: string,
        flags: Flags & KubeFlags & { list?: boolean; inCluster?: boolean; wait?: boolean },
      ) => {
        const { model } = await loadForCommand(file, io, flags.cluster);
        if (flags.inCluster === true) {
          await clusterBackup(model, tenant, flags, io);
          return;
        }
        if (flags.list === true) {
          const { selectTenants } = await import("../../runtime/local/up.js");
          selectTenants(model, [tenant]);
          const { listBackups, releaseText: release } = await backups();
          const { StateDir } = await import("../../runtime/local/state.js");
          const rows = listBackups(new StateDir(flags.stateDir), tenant).map((b) => [
            b.id,
            b.createdAt,
            release(b.release),
            mebibytes(b.bytes),
            b.reason,
          ]);
          io.out(
            rows.length === 0
              ? `${tenant} has no backups in ${flags.stateDir}\n`
              : `${table(["backup", "taken", "release", "size", "why"], rows)}\n`,
          );
          return;
        }
        const { backup } = await recovery();
        const { releaseText: release } = await backups();
        const b = await backup(model, tenant, common(file, flags, io));
        io.out(
          [
            `backup ${b.id} of ${b.tenant} (${release(b.release)}): ${mebibytes(b.bytes)} in ${b.seconds.toFixed(1)} s`,
            `  sha256 ${b.sha256}`,
            ...Object.entries(b.keys).map(
              ([k, f]) => `  ${k} ${f} (a fingerprint: the key itself is not in the backup)`,
            ),
            `  restore: tenantctl restore ${file} ${b.tenant} --from ${b.id}`,
            "",
          ].join("\n"),
        );
      },
    );

  program
    .command("restore")
    .description(
      "Replace a tenant's database with a backup. On this machine: --from a backup (what was there is kept as a backup), refused before anything changes when the checksum, the release or the keys do not match. In the cluster (--in-cluster): edits platform.yaml for a new CloudNativePG server bootstrapped from the tenant's backups, to --point-in-time when given.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant whose backup it is")
    .option("--from <backup>", "on this machine: a backup id (tenantctl backup --list), or latest")
    .option(
      "--as <tenant>",
      "on this machine: restore into another tenant of the spec (it takes the backup's keys if it has none)",
    )
    .option(
      "--in-cluster",
      "in the cluster: the next generation of the tenant's database server, from its object-store backups",
    )
    .option(
      "--point-in-time <time>",
      "with --in-cluster: recover to this RFC 3339 time (default: the latest the archive holds)",
    )
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--dry-run", "with --in-cluster: show the change, write nothing")
    .action(
      async (
        file: string,
        tenant: string,
        flags: Flags & {
          from?: string;
          as?: string;
          inCluster?: boolean;
          pointInTime?: string;
          dryRun?: boolean;
        },
      ) => {
        if (flags.inCluster === true) {
          await restoreInClusterCommand(file, tenant, flags, io);
          return;
        }
        if (flags.from === undefined)
          throw failure(
            "usage/restore",
            "--from <backup> is required on this machine",
            "tenantctl backup <spec> <tenant> --list shows the backups; --in-cluster restores in the cluster",
          );
        const { model } = await loadForCommand(file, io, flags.cluster);
        const { restore } = await recovery();
        const r = await restore(model, tenant, flags.from, {
          ...common(file, flags, io),
          ...(flags.as === undefined ? {} : { as: flags.as }),
        });
        io.out(
          `restored ${r.backup.id} into ${r.tenant} in ${r.seconds.toFixed(1)} s${r.safety === undefined ? "" : `; what was there is kept as ${r.safety.id}`}\n`,
        );
      },
    );

  program
    .command("import")
    .description(
      "Bring an existing n8n's data and key into a tenant on this machine (from ECS, say): proven on a scratch copy first (schema not newer than the tenant's release, every credential decrypts with the key), then the tenant's database replaced (what was there kept, with its key) and the tenant started.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant that takes the data")
    .requiredOption(
      "--from <dump-or-url>",
      "a pg_dump file (pg_dump -Fc) or a postgres:// URL of the source's database",
    )
    .requiredOption("--encryption-key-file <file>", "a file holding the source's N8N_ENCRYPTION_KEY")
    .option(
      "--kubeconfig <file>",
      "into the tenant in the cluster: proven here, then restored by a Job in its namespace (--from a postgres:// URL the cluster reaches)",
    )
    .option("--context <name>", "into the cluster: kubeconfig context")
    .option("--timeout <minutes>", "into the cluster: how long the Job may take", "60")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .action(
      async (
        file: string,
        tenant: string,
        flags: Flags & KubeFlags & { from: string; encryptionKeyFile: string; timeout: string },
      ) => {
        const { model } = await loadForCommand(file, io, flags.cluster);
        if (flags.kubeconfig !== undefined || flags.context !== undefined) {
          await clusterImport(model, file, tenant, flags, io);
          return;
        }
        const { importTenant } = await import("../../runtime/local/import.js");
        const r = await importTenant(model, tenant, {
          ...common(file, flags, io),
          from: flags.from,
          keyFile: flags.encryptionKeyFile,
        });
        io.out(
          [
            `imported into ${r.tenant} in ${r.seconds.toFixed(1)} s: ${Object.values(r.backup.rows).reduce((a, b) => a + b, 0)} rows, ${r.checks.map((c) => `${c.name} ${c.detail}`).join(", ")}`,
            `  kept as backup ${r.backup.id}; the tenant's key is now the source's (${Object.values(r.backup.keys).join(", ")})`,
            ...(r.replaced === undefined
              ? []
              : [`  what was there is kept as ${r.replaced.backup}, its key in ${r.replaced.keyFile}`]),
            "",
          ].join("\n"),
        );
      },
    );

  program
    .command("drill")
    .description(
      "Prove a tenant's backup: restore it into a scratch tenant, start it, check its data (n8n: workflows, credentials decrypt), report RPO and RTO, remove the scratch.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant")
    .option("--from <backup>", "a backup id; default: the latest")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .action(async (file: string, tenant: string, flags: Flags & { from?: string }) => {
      const { model } = await loadForCommand(file, io, flags.cluster);
      const { drill } = await recovery();
      const { releaseText: release } = await backups();
      const r = await drill(model, tenant, {
        ...common(file, flags, io),
        ...(flags.from === undefined ? {} : { from: flags.from }),
      });
      io.out(
        [
          `drill of ${tenant} from ${r.backup.id} (${release(r.backup.release)}): ${r.ok ? "passed" : "FAILED"}`,
          `  RPO ${duration(r.rpoSeconds)} (the backup's age)`,
          `  RTO ${duration(r.rtoSeconds)} (to a working tenant on the restored data)`,
          ...r.checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`),
          "",
        ].join("\n"),
      );
      if (!r.ok) io.setExitCode(EXIT.invalid);
    });
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

async function restoreInClusterCommand(
  file: string,
  tenant: string,
  flags: { cluster?: string; pointInTime?: string; dryRun?: boolean; from?: string; as?: string },
  io: Io,
): Promise<void> {
  if (flags.from !== undefined || flags.as !== undefined)
    throw failure(
      "usage/restore",
      "--from and --as are for this machine's backups; --in-cluster restores from the tenant's object-store backups",
      "use --point-in-time <time> to choose the moment",
    );
  const { editSpecFile } = await import("../../edit/spec-file.js");
  const { restoreInCluster } = await import("../../edit/upgrade.js");
  let restored: { from: number; to: number } | undefined;
  const result = await editSpecFile(
    file,
    (text, spec) => {
      const r = restoreInCluster(text, spec, {
        tenant,
        pointInTime: flags.pointInTime,
        cluster: flags.cluster,
      });
      restored = r.restore;
      return r.text;
    },
    { ...(flags.dryRun === undefined ? {} : { dryRun: flags.dryRun }) },
  );
  io.out(`--- ${file}\n+++ ${file}\n${result.diff.join("\n")}\n`);
  io.out(flags.dryRun === true ? "dry run: nothing written\n" : `${file} written (valid)\n`);
  if (restored !== undefined && flags.dryRun !== true)
    io.out(
      `next: render, commit; Argo CD creates ${tenant}'s database server generation ${restored.to} from generation ${restored.from}'s backups${flags.pointInTime === undefined ? "" : ` up to ${flags.pointInTime}`}, and its n8n connects to it. Generation ${restored.from}'s server stays, untouched: delete it yourself once the restore is verified.\n`,
    );
}

/** import --kubeconfig: proven on a scratch copy here, then restored in the cluster by a Job. */
async function clusterImport(
  model: Model,
  file: string,
  tenantName: string,
  flags: Flags & KubeFlags & { from: string; encryptionKeyFile: string; timeout: string },
  io: Io,
): Promise<void> {
  const { isPostgresUrl, proveSource } = await import("../../runtime/local/import.js");
  if (!isPostgresUrl(flags.from))
    throw failure(
      "import/cluster-needs-url",
      `--from ${flags.from}: into the cluster, the Job reads the source's database itself`,
      "pass the source's postgres:// URL as the cluster reaches it (for a dump file: pg_restore it into a PostgreSQL the cluster reaches, or import it on this machine)",
    );
  const { productLocal } = await import("../../products/local.js");
  const { rmSync } = await import("node:fs");
  const proven = await proveSource(model, tenantName, {
    ...common(file, flags, io),
    from: flags.from,
    keyFile: flags.encryptionKeyFile,
  });
  // The proof's copy of the source stays on no machine but the cluster.
  rmSync(proven.dump, { force: true });
  const keyName = productLocal(proven.tenant.product.kind).dataKeys?.[0] ?? "";
  const { importIntoCluster } = await import("../../deploy/import-job.js");
  const r = await withCluster(flags, (client) =>
    importIntoCluster(client, model, proven.tenant, {
      from: flags.from,
      key: proven.key,
      keyName,
      id: proven.stamp.toLowerCase(),
      timeoutMs: Number(flags.timeout) * 60_000,
      progress: (line) => io.err(`${line}\n`),
    }),
  );
  io.out(
    [
      `imported into ${proven.tenant.name} in the cluster in ${r.seconds.toFixed(1)} s by Job ${r.job}: proven first here (${Object.values(proven.rows).reduce((a, b) => a + b, 0)} rows, ${proven.checks.map((c) => `${c.name} ${c.detail}`).join(", ")})`,
      ...(r.previousKey === undefined
        ? []
        : [`  the tenant's previous key is kept in Secret ${r.previousKey}`]),
      "",
    ].join("\n"),
  );
}

async function clusterBackup(
  model: Model,
  tenant: string,
  flags: KubeFlags & { wait?: boolean },
  io: Io,
): Promise<void> {
  const { selectTenant } = await import("../../runtime/local/up.js");
  const target = selectTenant(model, tenant);
  const { requestClusterBackup, waitForClusterBackup } = await import("../../deploy/backup.js");
  const { KubeApiError } = await import("../../deploy/kube-client.js");
  await withCluster(flags, async (client) => {
    const requested = await requestClusterBackup(client, target).catch((error: unknown) => {
      if (error instanceof KubeApiError)
        throw failure(
          "backup/refused",
          `the API server refused the Backup: ${error.message}`,
          error.status === 404
            ? "is CloudNativePG installed (tenantctl render's addons) and the tenant applied?"
            : "check your rights to create backups.postgresql.cnpg.io in the tenant's namespace",
          error,
        );
      throw error;
    });
    io.out(`requested Backup ${requested.namespace}/${requested.name} of ${target.data.databaseCluster}\n`);
    if (flags.wait !== true) {
      io.out(`follow it: kubectl -n ${requested.namespace} get backup ${requested.name} (or --wait)\n`);
      return;
    }
    const done = await waitForClusterBackup(client, requested, 3_600_000, (line) => io.err(`${line}\n`));
    io.out(`${done.name}: ${done.phase}${done.error === undefined ? "" : ` (${done.error})`}\n`);
    if (done.phase !== "completed") io.setExitCode(EXIT.invalid);
  });
}
