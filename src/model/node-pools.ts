/**
 * The node-pool plan: which Karpenter pools the cluster runs, each with its capacity types,
 * taint, consolidation and CPU limit (the cost model prices the same plan):
 * - general: spot first, on-demand when spot is short; consolidated when under-used;
 * - database: on-demand only, tainted so that only database pods land there, never consolidated
 *   away from under a running database;
 * - compute, memory and gpu pools (tainted) where some component's node class asks for one;
 * - a pool per zone with dedicatedNodes, and per dedicated-tier tenant (on-demand; its
 *   database runs there too), each tainted with its own name.
 */
import { NODE_POOL } from "./names.js";
import { poolFor } from "./scheduling.js";

const GENERAL_CATEGORIES = ["c", "m", "r"] as const;
const CLASS_POOLS: readonly [string, readonly string[], NodePoolPlan["capacity"]][] = [
  [NODE_POOL.compute, ["c"], ["spot", "on-demand"]],
  [NODE_POOL.memory, ["r"], ["spot", "on-demand"]],
  [NODE_POOL.gpu, ["g"], ["on-demand"]],
];
import type { TenantModel, ZoneModel } from "./resolve.js";

export interface NodePoolPlan {
  readonly name: string;
  readonly capacity: readonly ("spot" | "on-demand")[];
  /** EC2 instance categories (c compute, m general, r memory, g GPU). */
  readonly categories: readonly string[];
  readonly taint: boolean;
  readonly consolidation: "WhenEmptyOrUnderutilized" | "WhenEmpty";
  readonly cpuLimit: number;
}

export function nodePoolPlan(zones: readonly ZoneModel[], tenants: readonly TenantModel[]): NodePoolPlan[] {
  const pools: NodePoolPlan[] = [
    {
      name: NODE_POOL.general,
      capacity: ["spot", "on-demand"],
      categories: GENERAL_CATEGORIES,
      taint: false,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 1000,
    },
    {
      name: NODE_POOL.database,
      capacity: ["on-demand"],
      categories: GENERAL_CATEGORIES,
      taint: true,
      consolidation: "WhenEmpty",
      cpuLimit: 400,
    },
  ];
  // Class pools exist where some component asks for them: compute (c) and memory (r) spot
  // first like general; GPU (g) on-demand only, opt-in by a component's nodeClass.
  const used = new Set(
    tenants.flatMap((t) => t.product.workloads.map((w) => poolFor(t, "app", w.nodeClass))),
  );
  for (const [name, categories, capacity] of CLASS_POOLS) {
    if (!used.has(name)) continue;
    pools.push({
      name,
      capacity,
      categories,
      taint: true,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 400,
    });
  }
  for (const zone of zones.filter((z) => z.dedicatedNodes)) {
    pools.push({
      name: NODE_POOL.zone(zone.name),
      capacity: ["spot", "on-demand"],
      categories: GENERAL_CATEGORIES,
      taint: true,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 400,
    });
  }
  for (const tenant of tenants.filter((t) => t.settings.tier === "dedicated")) {
    pools.push({
      name: NODE_POOL.tenant(tenant.name),
      capacity: ["on-demand"],
      categories: GENERAL_CATEGORIES,
      taint: true,
      consolidation: "WhenEmpty",
      cpuLimit: 200,
    });
  }
  return pools;
}
