/**
 * `tenantctl offboard` on this machine: a final backup of the tenant's database, its data keys
 * escrowed apart from it (escrow/<tenant>/<backup>.json: whoever holds the backups does not hold
 * the keys that decrypt what is in them), the retention recorded (retained.json), and the
 * tenant's processes stopped. Its database files, backups and keys stay in the state directory;
 * `down --purge` refuses to delete them before the retention day has passed.
 */
import { existsSync } from "node:fs";
import type { TenantModel } from "../../model/resolve.js";
import { stillRetained } from "../../model/offboarding.js";
import { failure } from "../../diagnostics/diagnostic.js";
import { type BackupManifest, backupTenant, tenantDataKeys } from "./backup.js";
import { control } from "./hibernation.js";
import { StateDir, tenantSecrets } from "./state.js";

export interface RetainedTenant {
  readonly tenant: string;
  readonly until: string;
  readonly backup: string;
  /** Where its data keys are, apart from the backup. */
  readonly escrow: string;
  readonly offboardedAt: string;
}

const RETAINED = "retained.json";

export function retainedTenants(state: StateDir): RetainedTenant[] {
  return state.readJson<RetainedTenant[]>(RETAINED, []);
}

/** Whether this state directory holds the tenant's data (up ran it here). */
export function holdsTenant(state: StateDir, tenant: string): boolean {
  return existsSync(state.path("secrets", `${tenantSecrets(tenant)}.json`));
}

export async function offboardLocal(
  tenant: TenantModel,
  options: { readonly stateDir: string; readonly until: string; readonly progress: (line: string) => void },
): Promise<{ backup: BackupManifest; retained: RetainedTenant }> {
  const state = new StateDir(options.stateDir);
  options.progress(`final backup of ${tenant.name}…`);
  const backup = await backupTenant(
    state,
    tenant,
    `offboard (kept through ${options.until})`,
    tenant.product.release,
  ).catch((error: unknown) => {
    throw failure(
      "offboard/backup-failed",
      `the final backup of ${tenant.name} failed, so it was not offboarded: ${(error as Error).message}`,
      `start its database (tenantctl up <spec> ${tenant.name}, or up --data-only) and offboard again`,
      error,
    );
  });
  const escrow = `escrow/${tenant.name}/${backup.id}.json`;
  state.writeJson(escrow, { tenant: tenant.name, backup: backup.id, keys: tenantDataKeys(state, tenant) });
  const retained: RetainedTenant = {
    tenant: tenant.name,
    until: options.until,
    backup: backup.id,
    escrow: state.path(escrow),
    offboardedAt: new Date().toISOString(),
  };
  state.writeJson(RETAINED, [...retainedTenants(state).filter((r) => r.tenant !== tenant.name), retained]);
  // Its processes stop now (the next up leaves it out): asleep for good, with nothing to wake it for.
  await control(state, "hibernate", tenant.name, true).catch(() => undefined);
  return { backup, retained };
}

/** down --purge: refused while a tenant's retention has not ended. */
export function checkPurgeAllowed(stateDir: string, now: Date = new Date()): void {
  const kept = retainedTenants(new StateDir(stateDir)).filter((r) => stillRetained(r.until, now));
  if (kept.length > 0)
    throw failure(
      "down/retained-data",
      `${stateDir} holds data kept for offboarded tenants: ${kept.map((r) => `${r.tenant} through ${r.until}`).join(", ")}`,
      "purge after that day; until then down without --purge stops everything and keeps the data",
    );
}
