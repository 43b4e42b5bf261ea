/** `tenantctl backup`, `restore`, `drill`: a tenant's database on this machine, kept, brought back, and proven. */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, type Io } from "../io.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import { DEFAULT_STATE_DIR } from "../local-state.js";
import { table } from "../table.js";

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

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function release(r: Readonly<Record<string, string>>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

export function recoveryCommands(program: Command, io: Io): void {
  program
    .command("backup")
    .description(
      "Back up a tenant's database on this machine (pg_dump, custom format) with a manifest: release, time, size, checksum, key fingerprints. --list shows its backups.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--list", "list the tenant's backups instead of taking one")
    .action(async (file: string, tenant: string, flags: Flags & { list?: boolean }) => {
      const { model } = await loadForCommand(file, io, flags.cluster);
      if (flags.list === true) {
        const { listBackups } = await backups();
        const { StateDir } = await import("../../runtime/local/state.js");
        const rows = listBackups(new StateDir(flags.stateDir), tenant).map((b) => [
          b.id,
          b.createdAt,
          release(b.release),
          mib(b.bytes),
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
      const b = await backup(model, tenant, common(file, flags, io));
      io.out(
        [
          `backup ${b.id} of ${b.tenant} (${release(b.release)}): ${mib(b.bytes)} in ${b.seconds.toFixed(1)} s`,
          `  sha256 ${b.sha256}`,
          ...Object.entries(b.keys).map(
            ([k, f]) => `  ${k} ${f} (a fingerprint: the key itself is not in the backup)`,
          ),
          `  restore: tenantctl restore ${file} ${b.tenant} --from ${b.id}`,
          "",
        ].join("\n"),
      );
    });

  program
    .command("restore")
    .description(
      "Replace a tenant's database on this machine with a backup (what was there is kept as a backup). Refused before anything changes when the checksum, the release or the keys do not match.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant whose backup it is")
    .requiredOption("--from <backup>", "a backup id (tenantctl backup --list), or latest")
    .option(
      "--as <tenant>",
      "restore into another tenant of the spec (it takes the backup's keys if it has none)",
    )
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .action(async (file: string, tenant: string, flags: Flags & { from: string; as?: string }) => {
      const { model } = await loadForCommand(file, io, flags.cluster);
      const { restore } = await recovery();
      const r = await restore(model, tenant, flags.from, {
        ...common(file, flags, io),
        ...(flags.as === undefined ? {} : { as: flags.as }),
      });
      io.out(
        `restored ${r.backup.id} into ${r.tenant} in ${r.seconds.toFixed(1)} s${r.safety === undefined ? "" : `; what was there is kept as ${r.safety.id}`}\n`,
      );
    });

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
