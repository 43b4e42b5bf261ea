/**
 * `tenantctl backup`, `restore` and `drill` on this machine. A restore is checked whole before
 * anything stops; then the tenant's processes stop, its database is replaced (what was there kept
 * as a backup), and the tenants that ran start again, upgrading the restored data when the spec
 * names a newer release. A drill restores a backup into a scratch state directory of its own,
 * starts the tenant there, asks the product whether its data is readable, and removes it.
 */
import { chmodSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { TenantctlError } from "../../diagnostics/diagnostic.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { productLocal } from "../../products/local.js";
import type { DataCheck } from "../../products/contract/builders.js";
import { compareVersions } from "../../versions.js";
import {
  type BackupManifest,
  backupTenant,
  checkRestore,
  findBackup,
  releaseText,
  restoreTenant,
} from "./backup.js";
import { ofProcess, type Plan } from "./plan.js";
import { StateDir } from "./state.js";
import { recordRelease } from "./releases.js";
import { runningTenants, stopSupervisor } from "./run-plan.js";
import { purge, selectTenant, stateRoot, up } from "./up.js";

export interface RecoveryOptions {
  readonly stateDir: string;
  readonly specDirectory?: string;
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

/** A backup of a tenant's database now (its PostgreSQL must run: `up`, or `up --data-only`). */
export async function backup(
  model: Model,
  tenantName: string,
  options: RecoveryOptions & { readonly reason?: string },
): Promise<BackupManifest> {
  const tenant = selectTenant(model, tenantName);
  return backupTenant(
    new StateDir(options.stateDir),
    tenant,
    options.reason ?? "manual",
    tenant.product.release,
  );
}

/** Whether a backup's value of a release setting is newer than what a tenant runs (only the schema's release orders). */
function newerThan(tenant: TenantModel) {
  return (key: string, backupValue: string, targetValue: string) =>
    key === tenant.product.schemaRelease && compareVersions(backupValue, targetValue) > 0;
}

export interface RestoreReport {
  readonly backup: BackupManifest;
  readonly tenant: string;
  /** What the restore replaced, kept as a backup (undefined when the database was empty). */
  readonly safety: BackupManifest | undefined;
  readonly seconds: number;
}

/** Restores `from` (a backup id of `tenantName`, or latest) into that tenant or, with `as`, another. */
export async function restore(
  model: Model,
  tenantName: string,
  from: string,
  options: RecoveryOptions & { readonly as?: string },
): Promise<RestoreReport> {
  const progress = options.progress ?? (() => undefined);
  const state = new StateDir(options.stateDir);
  selectTenant(model, tenantName);
  const target = selectTenant(model, options.as ?? tenantName);
  const found = findBackup(state, tenantName, from);
  const plan = await checkRestore(state, state, found, target, target.product.release, newerThan(target));
  progress(`restoring ${found.id} (${found.createdAt}, ${releaseText(found.release)}) into ${target.name}`);
  const restored = await withDataOnly(model, target, options, async () => {
    const done = await restoreTenant(state, plan, target.product.release);
    if (done.safety !== undefined) progress(`  what was there is kept as ${done.safety.id}`);
    // The data is at the backup's release now: the next start upgrades it if the spec names a newer one.
    recordRelease(state, target.name, found.release);
    progress(`restored in ${done.seconds.toFixed(1)} s`);
    return done;
  });
  return { backup: found, tenant: target.name, safety: restored.safety, seconds: restored.seconds };
}

/** What `up` takes of these options. */
export function upOptions(options: RecoveryOptions) {
  return {
    stateDir: options.stateDir,
    ...(options.specDirectory === undefined ? {} : { specDirectory: options.specDirectory }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  };
}

/**
 * Replacing a tenant's data: every process stops, the data services of the tenants that ran
 * (and of the target) run alone while `work` does its part, then those tenants start again.
 */
export async function withDataOnly<T>(
  model: Model,
  target: TenantModel,
  options: RecoveryOptions,
  work: () => Promise<T>,
): Promise<T> {
  const tenants = [...new Set([...runningTenants(new StateDir(options.stateDir)), target.name])];
  await up(model, { ...upOptions(options), tenants, dataOnly: true });
  const result = await work();
  options.progress?.(`starting ${tenants.join(", ")}`);
  await up(model, { ...upOptions(options), tenants });
  return result;
}

/**
 * `work` on a scratch state directory of its own, `<state>/<kind>/<tenant>-<time>` (traversable
 * for the postgres user, as the state directory is), stopped and removed however it ends.
 */
export async function withScratch<T>(
  state: StateDir,
  kind: "drills" | "imports",
  tenant: TenantModel,
  work: (scratch: StateDir) => Promise<T>,
): Promise<T> {
  const parent = join(state.root, kind);
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o711);
  const scratch = new StateDir(stateRoot(join(parent, `${tenant.name}-${Date.now()}`)));
  let didNotStart = false;
  try {
    return await work(scratch);
  } catch (error) {
    didNotStart = error instanceof TenantctlError && (error.diagnostics[0]?.code ?? "").startsWith("up/");
    throw error;
  } finally {
    await stopSupervisor(scratch);
    // A scratch whose processes did not start leaves their logs behind (no data, no secrets): what to read next.
    if (didNotStart && existsSync(scratch.path("logs")))
      renameSync(scratch.path("logs"), `${scratch.root}.logs`);
    purge(scratch.root);
  }
}

/** The product's checks of the tenant's data, run with its migrator's environment in that state directory's plan. */
export async function probeTenant(state: StateDir, tenant: TenantModel): Promise<DataCheck[]> {
  const local = productLocal(tenant.product.kind);
  const migrator = state
    .readJson<Plan>("plan.json", { platform: "", services: [], routers: [] })
    .services.find(
      (s) => s.tenant === tenant.name && s.kind === "app" && ofProcess(s, tenant.product.migrator ?? ""),
    );
  if (local.probeData === undefined || migrator === undefined) return [];
  return [
    ...(await local.probeData({
      command: migrator.command,
      args: migrator.args,
      env: migrator.env,
      cwd: migrator.cwd ?? state.root,
    })),
  ];
}

export interface DrillReport {
  readonly backup: BackupManifest;
  /** The backup's age when the drill began: the data a loss now would cost (RPO). */
  readonly rpoSeconds: number;
  /** From the drill's start to a working tenant on the restored data (RTO). */
  readonly rtoSeconds: number;
  readonly checks: readonly DataCheck[];
  readonly ok: boolean;
}

/**
 * Restores a backup (the latest by default) into a scratch state directory, starts the tenant
 * there on its own ports, asks its product whether the data is readable, and removes the scratch.
 */
export async function drill(
  model: Model,
  tenantName: string,
  options: RecoveryOptions & { readonly from?: string },
): Promise<DrillReport> {
  const started = Date.now();
  const progress = options.progress ?? (() => undefined);
  const state = new StateDir(options.stateDir);
  const tenant = selectTenant(model, tenantName);
  const found = findBackup(state, tenant.name, options.from ?? "latest");
  try {
    return await withScratch(state, "drills", tenant, async (scratch) => {
      progress(`drill: restoring ${found.id} into a scratch tenant (${scratch.root})`);
      const scratchOptions = { ...upOptions(options), stateDir: scratch.root, tenants: [tenant.name] };
      const plan = await checkRestore(
        state,
        scratch,
        found,
        tenant,
        tenant.product.release,
        newerThan(tenant),
      );
      await up(model, { ...scratchOptions, dataOnly: true });
      const restored = await restoreTenant(scratch, plan, tenant.product.release);
      recordRelease(scratch, tenant.name, found.release);
      await up(model, scratchOptions);
      const rtoSeconds = (Date.now() - started) / 1000;
      const tables = Object.keys(found.rows).length;
      const checks: DataCheck[] = [
        // restoreTenant refuses a restore whose rows differ from the manifest's: here they matched.
        {
          name: "rows restored",
          ok: true,
          detail: `${restored.rows} in ${tables} tables, as the backup recorded`,
        },
        ...(await probeTenant(scratch, tenant)),
      ];
      return {
        backup: found,
        rpoSeconds: (started - Date.parse(found.createdAt)) / 1000,
        rtoSeconds,
        checks,
        ok: checks.every((c) => c.ok),
      };
    });
  } finally {
    progress("drill: scratch tenant removed");
  }
}
