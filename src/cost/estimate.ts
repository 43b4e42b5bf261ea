/**
 * `tenantctl cost`: what the shared platform costs per tenant and month, beside what each
 * tenant costs today as an ECS/Fargate stack in its own account. From the Model alone.
 *
 * Every cent of the platform's total is either a tenant's or named platform overhead: node
 * costs are allocated (allocation.ts), idle capacity, the add-ons' pods and the fixed costs
 * are shared (in proportion to what each tenant uses, or evenly), and the rounding to cents
 * is done once, over everything, so that the parts add up to the total exactly.
 */
import { nodePoolPlan } from "../model/node-pools.js";
import type { Model, TenantModel } from "../model/resolve.js";
import { allocateNodes } from "./allocation.js";
import { baselineCost } from "./baseline.js";
import { type CostLine, fixedCosts, tenantServices } from "./fixed-costs.js";
import { cents, splitCents } from "./money.js";
import { type PricedNode, runNodes } from "./nodes.js";
import type { PriceTable } from "./prices.js";

export type Sharing = "proportional" | "even";

export interface GrowthPoint {
  readonly tenants: number;
  /** cents per month */
  readonly platform: number;
  readonly baseline: number;
}

export interface TenantCost {
  readonly name: string;
  readonly zone: string;
  readonly tier: string;
  readonly labels: Readonly<Record<string, string>>;
  /** cents per month, each part of the total */
  readonly compute: number;
  readonly idle: number;
  readonly services: number;
  readonly shared: number;
  readonly total: number;
  readonly baseline: number;
  readonly serviceLines: readonly CostLine[];
  readonly baselineLines: readonly CostLine[];
}

export interface NodeGroup {
  readonly pool: string;
  readonly type: string;
  readonly capacity: "spot" | "on-demand";
  readonly count: number;
  /** cents per month, all of them */
  readonly monthly: number;
}

export interface PlatformRun {
  readonly nodes: readonly NodeGroup[];
  readonly nodeCount: number;
  /** cents per month of the nodes */
  readonly nodesMonthly: number;
}

export interface CostEstimate {
  readonly sharing: Sharing;
  readonly tenants: readonly TenantCost[];
  /** Shared costs, before they are spread over the tenants (cents per month). */
  readonly sharedLines: readonly { readonly name: string; readonly monthly: number }[];
  /** What no tenant carries (only with no tenant at all). */
  readonly unallocated: number;
  readonly total: number;
  readonly baselineTotal: number;
  readonly steady: PlatformRun;
  readonly peak: PlatformRun;
}

export function estimate(
  model: Model,
  prices: PriceTable,
  sharing: Sharing,
  options: { readonly peak?: boolean } = {},
): CostEstimate {
  const steadyNodes = runNodes(model, prices, "min");
  const allocation = allocateNodes(steadyNodes);
  const fixed = fixedCosts(model, prices);
  const services = new Map(model.tenants.map((t) => [t.name, tenantServices(model, t, prices)]));
  const sharedFloat: { name: string; monthly: number }[] = [
    { name: "idle capacity of shared nodes", monthly: allocation.idle },
    { name: "add-on pods (operators, monitoring, logging)", monthly: allocation.addonPods },
    ...fixed.map((l) => ({ name: l.name, monthly: l.monthly })),
  ];
  // One rounding over every cost source: tenant parts and shared lines.
  const parts: { tenant?: string; kind: "compute" | "idle" | "services" | "shared"; usd: number }[] = [];
  for (const t of model.tenants) {
    const a = allocation.tenants.get(t.name) ?? { compute: 0, idle: 0 };
    parts.push({ tenant: t.name, kind: "compute", usd: a.compute });
    parts.push({ tenant: t.name, kind: "idle", usd: a.idle });
    parts.push({ tenant: t.name, kind: "services", usd: sum(services.get(t.name) ?? []) });
  }
  const sharedTotalUsd = sharedFloat.reduce((n, l) => n + l.monthly, 0);
  const totalUsd = parts.reduce((n, p) => n + p.usd, 0) + sharedTotalUsd;
  const total = cents(totalUsd);
  const rounded = splitCents(total, [...parts.map((p) => p.usd), sharedTotalUsd]);
  const sharedCents = rounded[rounded.length - 1] ?? 0;
  const byTenant = new Map<string, { compute: number; idle: number; services: number }>();
  parts.forEach((p, i) => {
    const e = byTenant.get(p.tenant ?? "") ?? { compute: 0, idle: 0, services: 0 };
    e[p.kind as "compute" | "idle" | "services"] += rounded[i] ?? 0;
    byTenant.set(p.tenant ?? "", e);
  });
  const weights = model.tenants.map((t) => {
    if (sharing === "even") return 1;
    const e = byTenant.get(t.name);
    return (e?.compute ?? 0) + (e?.idle ?? 0);
  });
  const sharedSplit = model.tenants.length === 0 ? [] : splitCents(sharedCents, weights);
  const tenants = model.tenants.map((t, i): TenantCost => {
    const e = byTenant.get(t.name) ?? { compute: 0, idle: 0, services: 0 };
    const shared = sharedSplit[i] ?? 0;
    const baselineLines = baselineCost(model, t, prices);
    return {
      name: t.name,
      zone: t.zone.name,
      tier: t.settings.tier,
      labels: t.settings.labels,
      ...e,
      shared,
      total: e.compute + e.idle + e.services + shared,
      baseline: cents(sum(baselineLines)),
      serviceLines: services.get(t.name) ?? [],
      baselineLines,
    };
  });
  const sharedLineCents = splitCents(
    sharedCents,
    sharedFloat.map((l) => l.monthly),
  );
  return {
    sharing,
    tenants,
    sharedLines: sharedFloat.map((l, i) => ({ name: l.name, monthly: sharedLineCents[i] ?? 0 })),
    unallocated: model.tenants.length === 0 ? sharedCents : 0,
    total,
    baselineTotal: tenants.reduce((n, t) => n + t.baseline, 0),
    steady: summarize(steadyNodes),
    // The growth curve and break-even need the steady state only.
    peak: options.peak === false ? summarize([]) : summarize(runNodes(model, prices, "max")),
  };
}

function sum(lines: readonly CostLine[]): number {
  return lines.reduce((n, l) => n + l.monthly, 0);
}

function summarize(nodes: readonly PricedNode[]): PlatformRun {
  const groups = new Map<
    string,
    { pool: string; type: string; capacity: "spot" | "on-demand"; count: number; usd: number }
  >();
  for (const n of nodes) {
    const key = `${n.pool}|${n.offer.type.name}|${n.capacity}`;
    const g = groups.get(key) ?? {
      pool: n.pool,
      type: n.offer.type.name,
      capacity: n.capacity,
      count: 0,
      usd: 0,
    };
    g.count += 1;
    g.usd += n.monthly;
    groups.set(key, g);
  }
  const list = [...groups.values()].sort((a, b) =>
    a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : a.type < b.type ? -1 : 1,
  );
  return {
    nodes: list.map((g) => ({
      pool: g.pool,
      type: g.type,
      capacity: g.capacity,
      count: g.count,
      monthly: cents(g.usd),
    })),
    nodeCount: nodes.length,
    nodesMonthly: cents(nodes.reduce((n, x) => n + x.monthly, 0)),
  };
}

/** The platform with its first k tenants (cycled, renamed, when k exceeds them): for break-even and growth. */
export function fleetOf(model: Model, k: number): Model {
  const tenants: TenantModel[] = [];
  for (let i = 0; i < k; i++) {
    const base = model.tenants[i % model.tenants.length];
    if (base === undefined) break;
    const round = Math.floor(i / model.tenants.length);
    tenants.push(round === 0 ? base : { ...base, name: `${base.name}-${round + 1}` });
  }
  return { ...model, tenants, nodePools: nodePoolPlan(model.zones, tenants) };
}

/**
 * A fleet's platform and baseline totals in cents, without the per-tenant allocation (the
 * total does not depend on how it is shared). Baselines are per tenant, so the k-th copy of a
 * tenant costs what the tenant costs.
 */
function fleetTotals(
  model: Model,
  prices: PriceTable,
  k: number,
  baselines: Map<string, number>,
): GrowthPoint {
  const fleet = fleetOf(model, k);
  const nodes = runNodes(fleet, prices, "min").reduce((n, x) => n + x.monthly, 0);
  const fixed = sum(fixedCosts(fleet, prices));
  let services = 0;
  let baseline = 0;
  for (const [i, t] of fleet.tenants.entries()) {
    const base = model.tenants[i % model.tenants.length] as TenantModel;
    services += sum(tenantServices(fleet, t, prices));
    let b = baselines.get(base.name);
    if (b === undefined) baselines.set(base.name, (b = cents(sum(baselineCost(model, base, prices)))));
    baseline += b;
  }
  return { tenants: k, platform: cents(nodes + fixed + services), baseline };
}

/** Platform and baseline totals as the fleet grows from 1 tenant to `until`, at up to `points` sizes. */
export function growth(model: Model, prices: PriceTable, until: number, points = 12): GrowthPoint[] {
  const sizes = new Set<number>([1]);
  for (let i = 1; i <= points - 1; i++) sizes.add(Math.max(1, Math.round((until * i) / (points - 1))));
  const baselines = new Map<string, number>();
  return [...sizes].sort((a, b) => a - b).map((k) => fleetTotals(model, prices, k, baselines));
}

/** The smallest fleet (first k tenants, cycled) whose platform costs no more than its baseline; undefined within `limit`. */
export function breakEven(model: Model, prices: PriceTable, limit: number): number | undefined {
  const baselines = new Map<string, number>();
  for (let k = 1; k <= limit; k++) {
    const point = fleetTotals(model, prices, k, baselines);
    if (point.platform <= point.baseline) return k;
  }
  return undefined;
}
