/**
 * The release each tenant's data last ran with on this machine (releases.json), and what `up`
 * does when the spec names another: a lower one is refused before anything stops; a higher one
 * runs as the cluster's staged upgrade does (a backup first, the migrator alone until ready).
 */
import { existsSync } from "node:fs";
import { failure } from "../../diagnostics/diagnostic.js";
import { schemaVersion, type TenantModel } from "../../model/resolve.js";
import { compareVersions } from "../../versions.js";
import { mebibytes } from "../../lib/mebibytes.js";
import { backupTenant, listBackups } from "./backup.js";
import { logFileName, ofProcess, type Plan } from "./plan.js";
import { dataPlan, runPlan } from "./run-plan.js";
import type { StateDir } from "./state.js";

/** A tenant whose database schema moves to another release with this `up`. */
export interface ReleaseChange {
  readonly tenant: TenantModel;
  readonly key: string;
  /** Undefined for data from before releases were recorded. */
  readonly from: string | undefined;
  readonly to: string;
  /** What it ran before, whole (the pre-upgrade backup records it). */
  readonly before: Readonly<Record<string, string>>;
}

/** What each tenant's data was last run with here (its product's release), recorded once its processes were ready. */
const RELEASES = "releases.json";

export function recordedRelease(state: StateDir, tenant: string): Record<string, string> | undefined {
  return state.readJson<Record<string, Record<string, string>>>(RELEASES, {})[tenant];
}

export function recordRelease(
  state: StateDir,
  tenant: string,
  release: Readonly<Record<string, string>>,
): void {
  state.writeJson(RELEASES, { ...state.readJson(RELEASES, {}), [tenant]: release });
}

export function recordReleases(state: StateDir, tenants: readonly TenantModel[]): void {
  const all = state.readJson<Record<string, Record<string, string>>>(RELEASES, {});
  for (const t of tenants) all[t.name] = Object.fromEntries(t.product.release);
  state.writeJson(RELEASES, all);
}

/**
 * The tenants whose schema release differs from what their data last ran with here. A lower one
 * is refused before anything stops: the product cannot read data a newer release migrated, and
 * only a backup from before the upgrade goes back.
 */
export function releaseChanges(state: StateDir, tenants: readonly TenantModel[]): ReleaseChange[] {
  const changes: ReleaseChange[] = [];
  for (const tenant of tenants) {
    const schema = schemaVersion(tenant);
    if (schema === undefined) continue;
    const before = recordedRelease(state, tenant.name);
    const from = before?.[schema.key];
    if (from === schema.version) continue;
    if (from === undefined) {
      // Data of an unknown release (imported: recorded as {}; or from before releases were
      // recorded here, its migrator having run): treated as an upgrade, so that it is backed up
      // and migrated with the migrator alone.
      if (before !== undefined || ranHere(state, tenant))
        changes.push({ tenant, key: schema.key, from: undefined, to: schema.version, before: {} });
      continue;
    }
    if (compareVersions(schema.version, from) < 0) {
      const backup = listBackups(state, tenant.name)
        .filter((b) => b.release[schema.key] === schema.version)
        .at(-1);
      throw failure(
        "up/downgrade",
        `${tenant.name}'s data was migrated by ${schema.key} ${from}; the spec says ${schema.version}, which cannot read it`,
        backup === undefined
          ? `keep ${schema.key} ${from} (or later); going back needs a backup taken on ${schema.version}, and there is none here`
          : `keep ${schema.key} ${from}, or go back to the backup taken before the upgrade: tenantctl restore <spec> ${tenant.name} --from ${backup.id} (the data since is kept as a backup of its own)`,
      );
    }
    changes.push({ tenant, key: schema.key, from, to: schema.version, before: before ?? {} });
  }
  return changes;
}

/**
 * The local twin of an upgrade in the cluster: every process stops (no old worker meets a
 * migrated schema), the data services start alone, each upgraded tenant's database is backed
 * up, then its migrator (n8n's main) runs alone on the new release until ready (its migrations
 * done); the caller then starts everything.
 */
export async function upgradeInOrder(
  state: StateDir,
  plan: Plan,
  changes: readonly ReleaseChange[],
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<void> {
  for (const c of changes)
    progress(
      `upgrading ${c.tenant.name}: ${c.key} ${c.from ?? "(not recorded)"} → ${c.to} (backup, then ${c.tenant.product.migrator ?? "its processes"} alone until ready, then the rest)`,
    );
  await runPlan(state, dataPlan(plan), timeoutMs, progress);
  for (const c of changes) {
    const backup = await backupTenant(
      state,
      c.tenant,
      `before ${c.key} ${c.to}`,
      new Map(Object.entries(c.before)),
    );
    progress(
      `  ${c.tenant.name}: backup ${backup.id} (${mebibytes(backup.bytes)}) in ${backup.seconds.toFixed(1)} s`,
    );
  }
  const migrators = new Map(changes.map((c) => [c.tenant.name, c.tenant.product.migrator]));
  const migrating: Plan = {
    ...plan,
    services: plan.services.filter((s) => {
      if (s.tenant === undefined || !migrators.has(s.tenant) || (s.kind !== "app" && s.kind !== "sidecar"))
        return true;
      const migrator = migrators.get(s.tenant);
      return migrator === undefined || ofProcess(s, migrator);
    }),
  };
  progress("starting the migrators alone on the new release");
  await runPlan(state, migrating, timeoutMs, progress, true);
  for (const c of changes) recordRelease(state, c.tenant.name, Object.fromEntries(c.tenant.product.release));
}

/** Whether the tenant's migrator ran in this state directory before (it has a log). */
function ranHere(state: StateDir, tenant: TenantModel): boolean {
  const migrator = tenant.product.migrator;
  return (
    migrator !== undefined &&
    existsSync(state.path("logs", logFileName(`${tenant.product.name}:${tenant.name}:${migrator}`)))
  );
}
