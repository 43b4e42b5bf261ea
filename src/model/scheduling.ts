/**
 * Where a tenant's pods may run. Karpenter pools label their nodes `tenantctl.io/node-pool`
 * and taint every pool but `general`; a pod reaches a tainted pool only by tolerating it.
 * - dedicated tier: everything of the tenant on its own pool (`tenant-<name>`), nothing else there;
 * - a zone with dedicatedNodes: the zone's pool for the product's pods and Redis;
 * - otherwise the pool of the workload's node class (general, compute, memory, gpu); databases
 *   and RabbitMQ brokers on the on-demand `database` pool.
 */
import type { Workload } from "./footprint.js";
import { NODE_POOL } from "./names.js";
import type { NodeClass } from "../input/schema.js";
import type { TenantModel } from "./resolve.js";

export type { Workload };

export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal";
  readonly value: string;
  readonly effect: "NoSchedule";
}

export function placement(
  tenant: TenantModel,
  workload: Workload,
  nodeClass: NodeClass = "general",
): Placement {
  return poolPlacement(poolFor(tenant, workload, nodeClass));
}

/** What a pod needs to run on a pool: its label, and the toleration of its taint (every pool but general). */
export function poolPlacement(pool: string): Placement {
  if (pool === NODE_POOL.general) return { nodeSelector: { [NODE_POOL.key]: pool }, tolerations: [] };
  return {
    nodeSelector: { [NODE_POOL.key]: pool },
    tolerations: [{ key: NODE_POOL.key, operator: "Equal", value: pool, effect: "NoSchedule" }],
  };
}

export function poolFor(tenant: TenantModel, workload: Workload, nodeClass: NodeClass = "general"): string {
  if (tenant.settings.tier === "dedicated") return NODE_POOL.tenant(tenant.name);
  if (workload === "database" || workload === "rabbitmq") return NODE_POOL.database;
  if (tenant.zone.dedicatedNodes) return NODE_POOL.zone(tenant.zone.name);
  return NODE_POOL[nodeClass];
}

/**
 * The pools of the tenant's app workloads beyond its main one (node classes other than
 * general): the admission policy lets its pods select these too.
 */
export function classPools(tenant: TenantModel): string[] {
  const main = poolFor(tenant, "app");
  const pools = tenant.product.workloads.map((w) => poolFor(tenant, "app", w.nodeClass));
  return [...new Set(pools)].filter((p) => p !== main).sort();
}
