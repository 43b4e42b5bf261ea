/**
 * `tenantctl import`: an existing n8n's data (a pg_dump file, or a PostgreSQL URL to dump) and
 * its encryption key, into a tenant of this machine. Everything is proven on a scratch copy
 * first, in a state directory of its own: the dump restores, its schema is not newer than the
 * tenant's release, and with the given key n8n starts on it and decrypts every credential.
 * Only then is the tenant's database replaced (what was there kept as a backup, with its key
 * kept beside it), the key installed as the tenant's, and the tenant started, upgrading the
 * imported data staged when it is from an older release.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { failure, TenantctlError } from "../../diagnostics/diagnostic.js";
import { keyFingerprint } from "../../lib/key-fingerprint.js";
import { redactUrlCredentials } from "../../lib/url-credentials.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { productLocal } from "../../products/local.js";
import type { DataCheck } from "../../products/contract/builders.js";
import {
  type BackupManifest,
  loadDump,
  pgTool,
  restoreTenant,
  sha256Of,
  stamp,
  stderrOf,
  tenantDatabase,
  tenantRowCounts,
} from "./backup.js";
import { cacheRoot } from "./cache.js";
import { withSuperuser } from "./postgres.js";
import { probeTenant, type RecoveryOptions, upOptions, withDataOnly, withScratch } from "./recovery.js";
import { recordRelease } from "./releases.js";
import { StateDir, tenantSecrets } from "./state.js";
import { selectTenant, stateRoot, up } from "./up.js";

const run = promisify(execFile);

export interface ImportOptions extends RecoveryOptions {
  /** A pg_dump file (custom format), or a postgres:// URL to dump. */
  readonly from: string;
  /** A file holding the source's data key (its product's dataKeyLabel: n8n's N8N_ENCRYPTION_KEY). */
  readonly keyFile: string;
}

export interface ImportReport {
  readonly tenant: string;
  readonly backup: BackupManifest;
  /** What the product's data probe found on the proven copy (n8n: workflows, credentials decrypted). */
  readonly checks: readonly DataCheck[];
  /** What the import replaced, kept as a backup, and the file its key was kept in. */
  readonly replaced: { readonly backup: string; readonly keyFile: string } | undefined;
  readonly seconds: number;
}

function readKey(file: string, label: string): string {
  let key: string;
  try {
    key = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw failure(
      "import/key-file",
      `${file} cannot be read (${(error as Error).message})`,
      `pass the file that holds the source's ${label}`,
    );
  }
  if (key === "" || key.includes("\n"))
    throw failure(
      "import/key-file",
      `${file} does not hold one key on one line`,
      `write the source's ${label} into it, alone`,
    );
  return key;
}

/** Whether an import's source names a database to dump (else it is a dump file). */
export function isPostgresUrl(from: string): boolean {
  return /^postgres(ql)?:\/\//.test(from);
}

/** The source as a custom-format dump in the tenant's backups directory. */
async function dumpOf(state: StateDir, tenant: TenantModel, from: string, id: string): Promise<string> {
  const dir = state.ensure("backups", tenant.name);
  const target = join(dir, `${id}.dump`);
  const partial = `${target}.partial`;
  const isUrl = isPostgresUrl(from);
  if (!isUrl && !existsSync(from))
    throw failure(
      "import/no-source",
      `${from} does not exist`,
      "pass a pg_dump file (pg_dump -Fc) or a postgres:// URL",
    );
  const tool = pgTool(isUrl ? "pg_dump" : "pg_restore");
  try {
    if (isUrl) {
      const url = new URL(from);
      const password = decodeURIComponent(url.password);
      url.password = "";
      // The password through the environment, never the arguments (ps shows those).
      await run(tool, ["-Fc", "-Z", "1", "-f", partial, "--no-owner", url.toString()], {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          ...(password === "" ? {} : { PGPASSWORD: password }),
        },
        maxBuffer: 16 * 2 ** 20,
      });
    } else {
      await run(tool, ["--list", from], { maxBuffer: 64 * 2 ** 20 });
      copyFileSync(from, partial);
    }
  } catch (error) {
    rmSync(partial, { force: true });
    throw failure(
      "import/unreadable-source",
      `${redactUrlCredentials(from)} cannot be read as a database: ${redactUrlCredentials(stderrOf(error, 3, " "))}`,
      "pass a custom-format dump (pg_dump -Fc) or a postgres:// URL that reaches the source",
    );
  }
  renameSync(partial, target);
  return target;
}

/**
 * Restores the dump into a scratch copy of the tenant (its own state directory, its own ports)
 * with the source's key, and proves it: rows counted, schema not newer than the tenant's
 * release, n8n started on it, every credential decrypted. Nothing of the tenant changes.
 */
async function proveOnScratch(
  model: Model,
  state: StateDir,
  tenant: TenantModel,
  dump: string,
  key: string,
  options: ImportOptions,
): Promise<{ rows: Record<string, number>; checks: readonly DataCheck[] }> {
  const progress = options.progress ?? (() => undefined);
  const keyName = productLocal(tenant.product.kind).dataKeys?.[0];
  return withScratch(state, "imports", tenant, async (scratch) => {
    const scratchOptions = {
      ...upOptions(options),
      stateDir: scratch.root,
      tenants: [tenant.name],
      progress: (line: string) => progress(`  scratch: ${line}`),
    };
    if (keyName !== undefined) scratch.writeSecrets(tenantSecrets(tenant.name), { [keyName]: key });
    await up(model, { ...scratchOptions, dataOnly: true });
    try {
      await loadDump(scratch, tenant, dump);
    } catch (error) {
      throw failure(
        "import/unreadable-source",
        `the dump does not restore: ${stderrOf(error, 3, " ")}`,
        "pass a custom-format dump of the source's whole database (pg_dump -Fc)",
      );
    }
    const rows = await tenantRowCounts(scratch, tenant);
    const problem = await schemaProblem(scratch, tenant);
    if (problem !== undefined)
      throw failure(
        "import/newer-schema",
        `${redactUrlCredentials(options.from)} cannot be imported into ${tenant.name}: ${problem}`,
        "move the tenant to the source's release or later first (tenantctl upgrade), then import; nothing was changed",
      );
    // Data of an unknown release: started staged (backup, the migrator alone) as any upgrade.
    recordRelease(scratch, tenant.name, {});
    await up(model, scratchOptions).catch((error: unknown) => {
      // n8n 2.x refuses to start on data whose keys it cannot read (its deployment keys are encrypted too).
      if (error instanceof TenantctlError && /encryption key/i.test(error.diagnostics[0]?.message ?? ""))
        throw failure(
          "import/key-mismatch",
          `with the key in ${options.keyFile}, ${tenant.product.name} does not start on the source's data: ${error.diagnostics[0]?.message.split("its log ends:")[1]?.trim().split("\n")[0] ?? "its keys cannot be read"}`,
          `pass the source's own ${keyLabel(tenant)} (its data was encrypted with it); nothing was changed`,
        );
      throw error;
    });
    const checks = await probeTenant(scratch, tenant);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0)
      throw failure(
        "import/key-mismatch",
        `with the key in ${options.keyFile}, ${failed.map((c) => `${c.name}: ${c.detail}`).join("; ")}`,
        `pass the source's own ${keyLabel(tenant)} (its data was encrypted with it); nothing was changed`,
      );
    return { rows, checks };
  });
}

function keyLabel(tenant: TenantModel): string {
  return productLocal(tenant.product.kind).dataKeyLabel ?? "data key";
}

async function schemaProblem(scratch: StateDir, tenant: TenantModel): Promise<string | undefined> {
  const check = productLocal(tenant.product.kind).schemaProblem;
  if (check === undefined) return undefined;
  const { database, instance } = await tenantDatabase(scratch, tenant);
  return withSuperuser(instance, database.name, (client) =>
    check(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[], tenant, cacheRoot()),
  );
}

/** The source read and proven on a scratch copy with its key: what an import into this machine or a cluster starts from. */
export interface ProvenSource {
  readonly tenant: TenantModel;
  readonly id: string;
  /** When it was read (the end of the id): what names the cluster import's Job. */
  readonly stamp: string;
  readonly key: string;
  /** The source as a custom-format dump in the tenant's backups directory. */
  readonly dump: string;
  readonly rows: Record<string, number>;
  readonly checks: readonly DataCheck[];
}

/** Reads the source and proves it on a scratch copy; a refusal leaves nothing behind. */
export async function proveSource(
  model: Model,
  tenantName: string,
  options: ImportOptions,
): Promise<ProvenSource> {
  const progress = options.progress ?? (() => undefined);
  const tenant = selectTenant(model, tenantName);
  const key = readKey(options.keyFile, keyLabel(tenant));
  // Created traversable for the postgres user, as up creates it: the scratch copy's server lives below.
  const state = new StateDir(stateRoot(options.stateDir));
  const read = stamp(new Date());
  const id = `${tenant.name}-import-${read}`;
  progress(`reading ${redactUrlCredentials(options.from)}`);
  const dump = await dumpOf(state, tenant, options.from, id);
  try {
    progress(
      `proving it on a scratch copy: restore, schema, ${tenant.product.name} started with the key, its data read`,
    );
    const proven = await proveOnScratch(model, state, tenant, dump, key, options);
    return { tenant, id, stamp: read, key, dump, ...proven };
  } catch (error) {
    rmSync(dump, { force: true });
    throw error;
  }
}

export async function importTenant(
  model: Model,
  tenantName: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const proven = await proveSource(model, tenantName, options);
  const { tenant, id, key, dump } = proven;
  const state = new StateDir(stateRoot(options.stateDir));
  try {
    const keyName = productLocal(tenant.product.kind).dataKeys?.[0];
    const manifest: BackupManifest = {
      id,
      tenant: tenant.name,
      product: tenant.product.name,
      release: {},
      reason: `import from ${redactUrlCredentials(options.from)}`,
      createdAt: new Date().toISOString(),
      file: `${id}.dump`,
      bytes: readFileSync(dump).length,
      sha256: await sha256Of(dump),
      keys: keyName === undefined ? {} : { [keyName]: keyFingerprint(key) },
      rows: proven.rows,
      seconds: (performance.now() - started) / 1000,
    };
    state.writeJson(`backups/${tenant.name}/${id}.json`, manifest);
    // The tenant's own key goes with the data it encrypted: kept beside it before it is replaced.
    const secretsName = tenantSecrets(tenant.name);
    const before = state.readSecrets(secretsName);
    const keptName = `${secretsName}.before-${id}`;
    if (keyName !== undefined && before[keyName] !== undefined && before[keyName] !== key)
      state.writeSecrets(keptName, before);
    const restored = await withDataOnly(model, tenant, options, async () => {
      const done = await restoreTenant(
        state,
        {
          backup: manifest,
          source: state,
          target: tenant,
          adoptKeys: keyName === undefined ? {} : { [keyName]: key },
        },
        tenant.product.release,
      ).catch((error: unknown) => {
        // What was there is kept as a backup, but its key was just replaced: say where the old one is.
        if (!(error instanceof TenantctlError) || !existsSync(state.secretsPath(keptName))) throw error;
        const [first] = error.diagnostics;
        throw failure(
          first?.code ?? "import/failed",
          first?.message ?? "the import failed",
          `${first?.hint ?? ""}; that backup needs the tenant's previous key: put ${state.secretsPath(keptName)} back as ${state.secretsPath(secretsName)} before restoring it`,
          error,
        );
      });
      productLocal(tenant.product.kind).keysReplaced?.((...parts) => state.path(...parts), tenant);
      recordRelease(state, tenant.name, {});
      progress(`imported ${done.rows} rows`);
      return done;
    });
    return {
      tenant: tenant.name,
      backup: manifest,
      checks: proven.checks,
      replaced:
        restored.safety === undefined
          ? undefined
          : { backup: restored.safety.id, keyFile: state.secretsPath(keptName) },
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    // A refused import leaves nothing behind but what was there.
    if (!existsSync(state.path("backups", tenant.name, `${id}.json`))) rmSync(dump, { force: true });
    throw error;
  }
}
