import { bytes, formatBytes, formatMillicores, millicores } from "../input/quantity.js";
import type {
  DataServiceKind,
  ProductDeclaration,
  WorkloadDeclaration,
} from "../products/contract/declaration.js";
import { type EffectiveResources, type EffectiveSettings, res } from "./defaults.js";
import type { NodeClass } from "../input/schema.js";
import { ownsServer } from "./data-services.js";

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
export type Workload = "app" | "database" | "redis" | "rabbitmq";

export interface PodGroup {
  /** Which pool rule places it (model/scheduling.ts). */
  readonly workload: Workload;
  /** For an app group, the node class its workload asks for. */
  readonly nodeClass?: NodeClass;
  readonly min: number;
  readonly max: number;
  readonly containers: readonly EffectiveResources[];
}

/** What a PgBouncer pod asks for (CloudNativePG sets none: tenantctl does, so that the quota counts it). */
export const POOLER_RESOURCES: EffectiveResources = res("50m", "64Mi", "500m", "256Mi");

/** A tenant's own Grafana and metrics proxy (render/cluster/observability), on its pool. */
export const OBSERVABILITY_RESOURCES = {
  grafana: res("50m", "128Mi", "500m", "256Mi"),
  metricsProxy: res("10m", "32Mi", "100m", "64Mi"),
} as const satisfies Record<string, EffectiveResources>;

/** The tenant's PgBouncer pooler, with its defaults filled in; undefined without one (or without a server of its own). */
export function poolerOf(
  settings: EffectiveSettings,
  services: readonly DataServiceKind[],
): { readonly instances: number; readonly poolMode: "transaction" | "session" } | undefined {
  const pooler = settings.database.pooler;
  if (pooler === undefined || !ownsServer(settings, services, "database")) return undefined;
  return { instances: pooler.instances ?? 2, poolMode: pooler.poolMode ?? "transaction" };
}

export function databaseInstances(settings: EffectiveSettings): number {
  return settings.database.instances ?? (settings.tier === "dedicated" ? 2 : 1);
}

/** The product's workloads, then the tenant's own data servers (shared and RDS ones run elsewhere). */
export function podGroups(
  settings: EffectiveSettings,
  workloads: readonly WorkloadDeclaration[],
  services: readonly DataServiceKind[],
): PodGroup[] {
  const groups: PodGroup[] = workloads.map(({ min, max, containers, nodeClass }) => ({
    workload: "app" as const,
    nodeClass,
    min,
    max,
    containers,
  }));
  if (ownsServer(settings, services, "database")) {
    const instances = databaseInstances(settings);
    groups.push({
      workload: "database",
      min: instances,
      max: instances,
      containers: [settings.database.resources],
    });
  }
  const pooler = poolerOf(settings, services);
  if (pooler !== undefined) {
    groups.push({
      workload: "app",
      min: pooler.instances,
      max: pooler.instances,
      containers: [POOLER_RESOURCES],
    });
  }
  if (ownsServer(settings, services, "redis")) {
    groups.push({ workload: "redis", min: 1, max: 1, containers: [settings.redis.resources] });
  }
  if (ownsServer(settings, services, "rabbitmq")) {
    const { replicas, resources } = settings.rabbitmq;
    groups.push({ workload: "rabbitmq", min: replicas, max: replicas, containers: [resources] });
  }
  return groups;
}

export function footprint(settings: EffectiveSettings, product: ProductDeclaration): Footprint {
  const services = product.dataServices(settings);
  const groups = podGroups(settings, product.workloads(settings), services);
  const dbVolumes = ownsServer(settings, services, "database") ? databaseInstances(settings) : 0;
  const mqVolumes = ownsServer(settings, services, "rabbitmq") ? settings.rabbitmq.replicas : 0;
  return {
    atMin: sum(groups, "min"),
    atMax: sum(groups, "max"),
    storage: dbVolumes * bytes(settings.database.storage) + mqVolumes * bytes(settings.rabbitmq.storage),
    persistentVolumeClaims: dbVolumes + mqVolumes,
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
