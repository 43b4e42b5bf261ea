/**
 * An RDS tenant's instance, sized from the database resources the spec gives it (the same
 * numbers a CloudNativePG server would get): the smallest class with at least the memory
 * limit, burstable up to 4 GiB, general purpose above. The cost model prices these classes.
 */
import { bytes } from "../input/quantity.js";
import type { TenantModel } from "../model/resolve.js";

const GIB = 2 ** 30;

export const RDS_CLASSES: readonly { readonly name: string; readonly memoryGiB: number }[] = [
  { name: "db.t4g.small", memoryGiB: 2 },
  { name: "db.t4g.medium", memoryGiB: 4 },
  { name: "db.m7g.large", memoryGiB: 8 },
  { name: "db.m7g.xlarge", memoryGiB: 16 },
  { name: "db.m7g.2xlarge", memoryGiB: 32 },
  { name: "db.m7g.4xlarge", memoryGiB: 64 },
];

/** RDS gp3 storage starts at 20 GiB. */
export const RDS_MIN_STORAGE_GIB = 20;

export interface RdsSize {
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly multiAz: boolean;
}

export function rdsSize(tenant: TenantModel): RdsSize {
  const db = tenant.settings.database;
  const memory = bytes(db.resources.limits.memory) / GIB;
  const fit = RDS_CLASSES.find((c) => c.memoryGiB >= memory) ?? RDS_CLASSES[RDS_CLASSES.length - 1];
  return {
    instanceClass: fit?.name ?? "db.m7g.4xlarge",
    storageGiB: Math.max(RDS_MIN_STORAGE_GIB, Math.ceil(bytes(db.storage) / GIB)),
    multiAz: tenant.settings.tier === "dedicated",
  };
}

/** Automated backups are kept at most 35 days; the spec's retention ("30d", "8w", "6m") is capped there. */
export function rdsBackupDays(retention: string): number {
  const amount = Number(retention.slice(0, -1));
  const perUnit: Record<string, number> = { d: 1, w: 7, m: 30 };
  return Math.min(35, Math.max(1, amount * (perUnit[retention.slice(-1)] ?? 1)));
}
