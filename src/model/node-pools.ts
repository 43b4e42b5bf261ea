/**
 * The node-pool plan: which Karpenter pools the cluster runs, each with its capacity types,
 * taint, consolidation and CPU limit (the cost model prices the same plan):
 * - general: spot first, on-demand when spot is short; consolidated when under-used;
 * - database: on-demand only, tainted so that only database pods land there, never consolidated
 *   away from under a running database;
 * - a pool per zone with dedicatedNodes, and per dedicated-tier tenant (on-demand; its
 *   database runs there too), each tainted with its own name.
 */
import { NODE_POOL } from "./names.js";
import type { TenantModel, ZoneModel } from "./resolve.js";

export interface NodePoolPlan {
  readonly name: string;
  readonly capacity: readonly ("spot" | "on-demand")[];
  readonly taint: boolean;
  readonly consolidation: "WhenEmptyOrUnderutilized" | "WhenEmpty";
  readonly cpuLimit: number;
}

export function nodePoolPlan(zones: readonly ZoneModel[], tenants: readonly TenantModel[]): NodePoolPlan[] {
  const pools: NodePoolPlan[] = [
    {
      name: NODE_POOL.general,
      capacity: ["spot", "on-demand"],
      taint: false,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 1000,
    },
    {
      name: NODE_POOL.database,
      capacity: ["on-demand"],
      taint: true,
      consolidation: "WhenEmpty",
      cpuLimit: 400,
    },
  ];
  for (const zone of zones.filter((z) => z.dedicatedNodes)) {
    pools.push({
      name: NODE_POOL.zone(zone.name),
      capacity: ["spot", "on-demand"],
      taint: true,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 400,
    });
  }
  for (const tenant of tenants.filter((t) => t.settings.tier === "dedicated")) {
    pools.push({
      name: NODE_POOL.tenant(tenant.name),
      capacity: ["on-demand"],
      taint: true,
      consolidation: "WhenEmpty",
      cpuLimit: 200,
    });
  }
  return pools;
}
