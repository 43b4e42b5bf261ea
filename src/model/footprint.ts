import { bytes, formatBytes, formatMillicores, millicores } from "../input/quantity.js";
import type { ProductDeclaration } from "../products/contract/declaration.js";
import type { EffectiveResources, EffectiveSettings } from "./defaults.js";

/**
 * What a tenant's own workloads ask of its namespace, at their minimum and at their maximum
 * replica counts: the figures that the quota rule compares with the ResourceQuota.
 */
export interface Amounts {
  /** millicores */
  readonly requestsCpu: number;
  /** bytes */
  readonly requestsMemory: number;
  readonly limitsCpu: number;
  readonly limitsMemory: number;
  readonly pods: number;
}
export interface Footprint {
  readonly atMin: Amounts;
  readonly atMax: Amounts;
  /** bytes of persistent storage */
  readonly storage: number;
  readonly persistentVolumeClaims: number;
}

/** What a pod group is, for where it runs (model/scheduling.ts places each kind). */
export type Workload = "app" | "database" | "redis";

export interface PodGroup {
  /** Which pool rule places it (model/scheduling.ts). */
  readonly workload: Workload;
  readonly min: number;
  readonly max: number;
  readonly containers: readonly EffectiveResources[];
}

export function databaseInstances(settings: EffectiveSettings): number {
  return settings.database.instances ?? (settings.tier === "dedicated" ? 2 : 1);
}

/** The product's workloads, then the tenant's own data servers (shared and RDS ones run elsewhere). */
export function podGroups(settings: EffectiveSettings, product: ProductDeclaration): PodGroup[] {
  const { database, redis } = settings;
  const groups: PodGroup[] = product
    .workloads(settings)
    .map(({ min, max, containers }) => ({ workload: "app" as const, min, max, containers }));
  const services = product.dataServices(settings);
  if (services.includes("database") && database.isolation === "cluster") {
    const instances = databaseInstances(settings);
    groups.push({ workload: "database", min: instances, max: instances, containers: [database.resources] });
  }
  if (services.includes("queue") && redis.isolation === "instance") {
    groups.push({ workload: "redis", min: 1, max: 1, containers: [redis.resources] });
  }
  return groups;
}

export function footprint(settings: EffectiveSettings, product: ProductDeclaration): Footprint {
  const groups = podGroups(settings, product);
  const dbVolumes =
    product.dataServices(settings).includes("database") && settings.database.isolation === "cluster"
      ? databaseInstances(settings)
      : 0;
  return {
    atMin: sum(groups, "min"),
    atMax: sum(groups, "max"),
    storage: dbVolumes * bytes(settings.database.storage),
    persistentVolumeClaims: dbVolumes,
  };
}

function sum(groups: readonly PodGroup[], which: "min" | "max"): Amounts {
  let requestsCpu = 0;
  let requestsMemory = 0;
  let limitsCpu = 0;
  let limitsMemory = 0;
  let pods = 0;
  for (const group of groups) {
    const count = group[which];
    pods += count;
    for (const c of group.containers) {
      requestsCpu += count * millicores(c.requests.cpu);
      requestsMemory += count * bytes(c.requests.memory);
      limitsCpu += count * millicores(c.limits.cpu);
      limitsMemory += count * bytes(c.limits.memory);
    }
  }
  return { requestsCpu, requestsMemory, limitsCpu, limitsMemory, pods };
}

/** The namespace quota with its limits filled in (default: 3× the cpu, 2× the memory requests: room to burst). */
export interface EffectiveQuota {
  readonly requestsCpu: string;
  readonly requestsMemory: string;
  readonly limitsCpu: string;
  readonly limitsMemory: string;
  readonly storage: string;
  readonly pods: number;
  readonly persistentVolumeClaims: number;
}

export function effectiveQuota(settings: EffectiveSettings): EffectiveQuota {
  const q = settings.quota;
  return {
    requestsCpu: q.cpu,
    requestsMemory: q.memory,
    limitsCpu: q.limits.cpu ?? formatMillicores(3 * millicores(q.cpu)),
    limitsMemory: q.limits.memory ?? formatBytes(2 * bytes(q.memory)),
    storage: q.storage,
    pods: q.pods,
    persistentVolumeClaims: q.persistentVolumeClaims,
  };
}
