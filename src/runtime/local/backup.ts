/**
 * Backups of a tenant's database on this machine: `pg_dump` in custom format into the state
 * directory's backups/<tenant>/, each with a manifest (the product's release, time, size,
 * checksum, and the fingerprints of the keys its data is unreadable without, never the keys).
 * A restore checks the file and the keys before it touches anything, and keeps what it
 * replaces as a backup of its own: data is never deleted implicitly.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { keyFingerprint } from "../../lib/key-fingerprint.js";
import { createReadStream, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type pg from "pg";
import { failure } from "../../diagnostics/diagnostic.js";
import type { TenantModel } from "../../model/resolve.js";
import { productLocal } from "../../products/local.js";
import { addDatabase, type LocalDatabase } from "./local-data.js";
import { type DatabaseGrant, type PostgresInstance, provisionDatabases, withSuperuser } from "./postgres.js";
import { postgresBinDir } from "./prerequisites.js";
import { type StateDir, tenantSecrets } from "./state.js";

const run = promisify(execFile);

export interface BackupManifest {
  readonly id: string;
  readonly tenant: string;
  readonly product: string;
  /** What the tenant ran when it was taken (its product's release settings, e.g. n8n.version). */
  readonly release: Readonly<Record<string, string>>;
  /** Why it was taken: "manual", "before n8n.version 2.41.1", "before restoring <id>". */
  readonly reason: string;
  readonly createdAt: string;
  /** The dump's file name beside the manifest. */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Fingerprints of the tenant's keys that its data needs (n8n's encryption key), by key name. */
  readonly keys: Readonly<Record<string, string>>;
  /** Rows per table in the dump's snapshot: what a restore must bring back. */
  readonly rows: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** What a backup's tenant ran, in words: `n8n.version 2.41.1`. */
export function releaseText(release: Readonly<Record<string, string>>): string {
  return Object.entries(release)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

/** Where the tenant's database lives on this machine, and its server's superuser, without starting anything. */
export async function tenantDatabase(
  state: StateDir,
  tenant: TenantModel,
): Promise<{ database: LocalDatabase; instance: PostgresInstance }> {
  const layout = { services: [], postgres: new Map(), redis: new Map(), rabbitmq: new Map() };
  const database = await addDatabase(state, layout, tenant, "");
  const entry = layout.postgres.get(database.instance);
  if (entry === undefined) throw new Error(`no PostgreSQL server planned for ${tenant.name}`);
  return { database, instance: entry.instance };
}

/** The tenant's keys its data needs, by name, from its secrets (empty when its product has none). */
export function tenantDataKeys(state: StateDir, tenant: TenantModel): Record<string, string> {
  const keys = productLocal(tenant.product.kind).dataKeys ?? [];
  if (keys.length === 0) return {};
  const secrets = state.readSecrets(tenantSecrets(tenant.name));
  return Object.fromEntries(keys.flatMap((k) => (secrets[k] === undefined ? [] : [[k, secrets[k]]])));
}

/** Those keys as fingerprints: what a backup's manifest records. */
function keyFingerprints(state: StateDir, tenant: TenantModel): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tenantDataKeys(state, tenant)).map(([k, key]) => [k, keyFingerprint(key)]),
  );
}

function backupDir(state: StateDir, tenant: string): string {
  return state.path("backups", tenant);
}

/** A time as backup ids carry it: 20261201T051735Z. */
export function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

function superuserEnv(instance: PostgresInstance): NodeJS.ProcessEnv {
  // The password goes to pg_dump/pg_restore through their environment, never their arguments (ps shows those).
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", PGPASSWORD: instance.superuserPassword };
}

function connection(instance: PostgresInstance, database: string) {
  return ["-h", "127.0.0.1", "-p", String(instance.port), "-U", "postgres", "-d", database];
}

/** A PostgreSQL client tool of this machine's PostgreSQL, or a clear error when there is none. */
export function pgTool(name: "pg_dump" | "pg_restore"): string {
  const dir = postgresBinDir();
  if (dir === undefined)
    throw failure("backup/no-postgres", "PostgreSQL's tools are not installed", "run tenantctl doctor");
  return join(dir, name);
}

async function checkRunning(instance: PostgresInstance, tenant: string): Promise<void> {
  try {
    await withSuperuser(instance, "postgres", async () => undefined, { connectionTimeoutMillis: 3000 });
  } catch (error) {
    throw failure(
      "backup/database-not-running",
      `${tenant}'s PostgreSQL (${instance.name}, 127.0.0.1:${instance.port}) does not answer: ${(error as Error).message}`,
      "start it first: tenantctl up <spec> (or up --data-only)",
    );
  }
}

/** Exact rows per table of the database's own schemas. */
export async function rowCounts(client: pg.Client): Promise<Record<string, number>> {
  const tables = await client.query<{ schemaname: string; tablename: string }>(
    "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
  );
  const counts: Record<string, number> = {};
  for (const { schemaname, tablename } of tables.rows) {
    const name = `${client.escapeIdentifier(schemaname)}.${client.escapeIdentifier(tablename)}`;
    const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    counts[schemaname === "public" ? tablename : `${schemaname}.${tablename}`] = result.rows[0]?.n ?? 0;
  }
  return counts;
}

/** Rows per table of the tenant's database now (after a restore: to compare with the manifest). */
export async function tenantRowCounts(state: StateDir, tenant: TenantModel): Promise<Record<string, number>> {
  const { database, instance } = await tenantDatabase(state, tenant);
  return withSuperuser(instance, database.name, rowCounts);
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Takes a backup of the tenant's database; its PostgreSQL must be running. */
export async function backupTenant(
  state: StateDir,
  tenant: TenantModel,
  reason: string,
  release: ReadonlyMap<string, string>,
): Promise<BackupManifest> {
  const started = performance.now();
  const { database, instance } = await tenantDatabase(state, tenant);
  await checkRunning(instance, tenant.name);
  const now = new Date();
  const dir = state.ensure("backups", tenant.name);
  let id = `${tenant.name}-${stamp(now)}`;
  for (let n = 2; existsSync(join(dir, `${id}.json`)); n++) id = `${tenant.name}-${stamp(now)}-${n}`;
  const file = `${id}.dump`;
  const partial = join(dir, `${file}.partial`);
  // One snapshot for the row counts and the dump: what a restore must bring back, exactly.
  let rows: Record<string, number>;
  try {
    rows = await withSuperuser(instance, database.name, async (client) => {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const snapshot = (await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id")).rows[0]?.id;
      const counted = await rowCounts(client);
      await run(
        pgTool("pg_dump"),
        // Compression level 1: a third of the default's time here, for a few per cent more bytes (docs/benchmarks.md).
        [...connection(instance, database.name), "-Fc", "-Z", "1", `--snapshot=${snapshot}`, "-f", partial],
        { env: superuserEnv(instance), maxBuffer: 16 * 2 ** 20 },
      );
      return counted;
    });
  } catch (error) {
    rmSync(partial, { force: true });
    throw failure(
      "backup/dump-failed",
      `pg_dump of ${tenant.name}'s database failed: ${stderrOf(error)}`,
      "check that its PostgreSQL runs (tenantctl status) and that the disk has room",
    );
  }
  renameSync(partial, join(dir, file));
  const manifest: BackupManifest = {
    id,
    tenant: tenant.name,
    product: tenant.product.name,
    release: Object.fromEntries(release),
    reason,
    createdAt: now.toISOString(),
    file,
    bytes: statSync(join(dir, file)).size,
    sha256: await sha256Of(join(dir, file)),
    keys: keyFingerprints(state, tenant),
    rows,
    seconds: (performance.now() - started) / 1000,
  };
  state.writeJson(`backups/${tenant.name}/${id}.json`, manifest);
  return manifest;
}

/** The tenant's backups on this machine, oldest first. */
export function listBackups(state: StateDir, tenant: string): BackupManifest[] {
  const dir = backupDir(state, tenant);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => state.readJson<BackupManifest>(`backups/${tenant}/${f}`, undefined as never))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** A backup by id (`latest` for the newest) among the tenant's. */
export function findBackup(state: StateDir, tenant: string, id: string): BackupManifest {
  const all = listBackups(state, tenant);
  const found = id === "latest" ? all.at(-1) : all.find((b) => b.id === id);
  if (found !== undefined) return found;
  throw failure(
    "restore/unknown-backup",
    all.length === 0
      ? `${tenant} has no backups in ${backupDir(state, tenant)}`
      : `${tenant} has no backup ${id}; it has ${all.map((b) => b.id).join(", ")}`,
    "take one with tenantctl backup <spec> <tenant>, or name one of those (or latest)",
  );
}

export interface RestorePlan {
  readonly backup: BackupManifest;
  /** The state directory the backup is in (a drill restores into another). */
  readonly source: StateDir;
  readonly target: TenantModel;
  /** Keys the target lacks and takes from the backup's own tenant (restore --as a new tenant). */
  readonly adoptKeys: Readonly<Record<string, string>>;
}

/**
 * Everything a restore checks before it touches anything: the dump is whole (checksum), the
 * target runs a release that can read it, and the target's keys are the ones the data was
 * written with (or it has none yet and the backup's tenant lends them).
 */
export async function checkRestore(
  source: StateDir,
  state: StateDir,
  backup: BackupManifest,
  target: TenantModel,
  targetRelease: ReadonlyMap<string, string>,
  isNewer: (key: string, backupValue: string, targetValue: string) => boolean,
): Promise<RestorePlan> {
  const file = join(backupDir(source, backup.tenant), backup.file);
  if (!existsSync(file) || (await sha256Of(file)) !== backup.sha256)
    throw failure(
      "restore/corrupt-backup",
      `${file} is missing or does not match the checksum its manifest recorded`,
      "restore another backup (tenantctl backup --list)",
    );
  for (const [key, value] of Object.entries(backup.release)) {
    const runs = targetRelease.get(key);
    if (runs !== undefined && isNewer(key, value, runs))
      throw failure(
        "restore/newer-release",
        `${backup.id} was taken on ${key} ${value}; ${target.name} runs ${runs}, which cannot read data migrated by a newer release`,
        `set ${target.name}'s ${key} to ${value} or later first`,
      );
  }
  const current = keyFingerprints(state, target);
  // A tenant without keys yet (restore --as, a drill's scratch tenant) takes them from the backup's own tenant.
  const lender = source.readSecrets(tenantSecrets(backup.tenant));
  const adoptKeys: Record<string, string> = {};
  for (const [key, fingerprint] of Object.entries(backup.keys)) {
    const have = current[key];
    if (have === fingerprint) continue;
    if (have !== undefined)
      throw failure(
        "restore/key-mismatch",
        `${backup.id} was written with ${key} ${fingerprint}; ${target.name}'s ${key} is ${have}: its data would be unreadable (credentials do not decrypt)`,
        `restore it --as a new tenant, or install the key that wrote it as ${target.name}'s key first; nothing was changed`,
      );
    const lent = lender[key];
    if (lent === undefined || keyFingerprint(lent) !== fingerprint)
      throw failure(
        "restore/key-missing",
        `${backup.id} needs ${key} ${fingerprint}, which is not on this machine`,
        "install the key that wrote it as the target tenant's key first; nothing was changed",
      );
    adoptKeys[key] = lent;
  }
  return { backup, source, target, adoptKeys };
}

/**
 * Replaces the target's database with the backup (its PostgreSQL running, its processes not):
 * the database is created again for the tenant's role, the dump restored as that role. What was
 * there is kept first as a backup of its own.
 */
export async function restoreTenant(
  state: StateDir,
  plan: RestorePlan,
  targetRelease: ReadonlyMap<string, string>,
): Promise<{ safety: BackupManifest | undefined; seconds: number; rows: number }> {
  const started = performance.now();
  const { database, instance } = await tenantDatabase(state, plan.target);
  await checkRunning(instance, plan.target.name);
  const safety = (await hasTables(instance, database.name))
    ? await backupTenant(state, plan.target, `before restoring ${plan.backup.id}`, targetRelease)
    : undefined;
  if (Object.keys(plan.adoptKeys).length > 0) {
    const name = tenantSecrets(plan.target.name);
    state.writeSecrets(name, { ...state.readSecrets(name), ...plan.adoptKeys });
  }
  const file = join(backupDir(plan.source, plan.backup.tenant), plan.backup.file);
  try {
    await loadDump(state, plan.target, file);
  } catch (error) {
    throw failure(
      "restore/failed",
      `pg_restore of ${plan.backup.id} into ${plan.target.name} failed: ${stderrOf(error)}`,
      safety === undefined
        ? "fix the cause and restore again"
        : `what was there is kept as ${safety.id}: restore it with --from ${safety.id}`,
    );
  }
  const mismatched = rowMismatches(plan.backup.rows, await tenantRowCounts(state, plan.target));
  if (mismatched.length > 0)
    throw failure(
      "restore/incomplete",
      `${plan.target.name}'s restored database differs from ${plan.backup.id}: ${mismatched.slice(0, 5).join("; ")}`,
      safety === undefined
        ? "restore again, or another backup"
        : `what was there is kept as ${safety.id}: restore it with --from ${safety.id}`,
    );
  return { safety, seconds: (performance.now() - started) / 1000, rows: sum(plan.backup.rows) };
}

/**
 * A dump (custom format) into the tenant's database, created again for its role and granted as
 * provisioning grants it; restored as that role, so that it owns every object. Its PostgreSQL
 * must run and its processes must not.
 */
export async function loadDump(state: StateDir, tenant: TenantModel, file: string): Promise<void> {
  const { database, instance } = await tenantDatabase(state, tenant);
  const grants = state.readJson<{ grants: DatabaseGrant[] } | undefined>(
    `postgres/${database.instance}/provision.json`,
    undefined,
  );
  await recreateDatabase(instance, database);
  if (grants !== undefined) await provisionDatabases(instance, grants.grants);
  await run(
    pgTool("pg_restore"),
    [
      ...connection(instance, database.name),
      "--no-owner",
      "--no-privileges",
      `--role=${database.user}`,
      "--exit-on-error",
      file,
    ],
    { env: superuserEnv(instance), maxBuffer: 16 * 2 ** 20 },
  );
}

/** Tables whose rows differ from what the backup recorded, as "table: expected → found". */
export function rowMismatches(
  expected: Readonly<Record<string, number>>,
  found: Readonly<Record<string, number>>,
): string[] {
  return Object.entries(expected)
    .filter(([table, n]) => found[table] !== n)
    .map(([table, n]) => `${table}: ${n} → ${found[table] ?? "missing"}`);
}

function sum(rows: Readonly<Record<string, number>>): number {
  return Object.values(rows).reduce((a, b) => a + b, 0);
}

async function hasTables(instance: PostgresInstance, database: string): Promise<boolean> {
  const exists = await withSuperuser(instance, "postgres", (c) =>
    c.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]),
  );
  if (exists.rowCount === 0) return false;
  return withSuperuser(instance, database, async (client) => {
    const tables = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    );
    return (tables.rows[0]?.n ?? 0) > 0;
  });
}

async function recreateDatabase(instance: PostgresInstance, database: LocalDatabase): Promise<void> {
  await withSuperuser(instance, "postgres", async (client) => {
    const ident = (name: string) => client.escapeIdentifier(name);
    await client.query(`DROP DATABASE IF EXISTS ${ident(database.name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${ident(database.name)} OWNER ${ident(database.user)}`);
  });
}

/** The last lines a failed tool wrote to stderr (its message when it wrote none). */
export function stderrOf(error: unknown, lines = 5, separator = "\n"): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const text = typeof stderr === "string" && stderr.trim() !== "" ? stderr : (error as Error).message;
  return text.trim().split("\n").slice(-lines).join(separator);
}
