/**
 * Properties of the cost model over generated platforms and pods (a seeded generator: a
 * failure names its seed).
 */
import { describe, expect, it } from "vitest";
import { daemonSetOverhead, type Pod } from "../../src/cost/demand.js";
import { breakEven, estimate, growth } from "../../src/cost/estimate.js";
import { offersFor, runNodes } from "../../src/cost/nodes.js";
import { type Offer, pack } from "../../src/cost/packing.js";
import { priceTable } from "../../src/cost/prices.js";
import { resolve } from "../../src/model/resolve.js";
import { validSpec } from "../support/example.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const HEADER = (region: string) => `apiVersion: tenantctl/v1alpha1
kind: Platform
metadata: { name: prop }
cluster: { name: prop, region: ${region}, domain: prop.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }
gitops: { repoURL: "https://git.prop.example/p.git", targetRevision: main, path: rendered }
zones:
  inside: { customerData: false }
  outside: { customerData: true, allowSharedDataServices: true }
tenants:
`;

function randomSpec(seed: number): string {
  const r = rng(seed);
  const n = 1 + Math.floor(r() * 7);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const min = Math.floor(r() * 4);
    lines.push(`  - name: t${i}`, `    zone: ${r() < 0.5 ? "inside" : "outside"}`);
    if (r() < 0.2) lines.push("    tier: dedicated");
    const iso = r();
    lines.push(`    database: { isolation: ${iso < 0.5 ? "cluster" : iso < 0.75 ? "rds" : "database"} }`);
    lines.push(`    n8n: { workers: { min: ${min}, max: ${min + 1 + Math.floor(r() * 5)} } }`);
  }
  return HEADER(r() < 0.5 ? "us-east-1" : "eu-central-1") + `${lines.join("\n")}\n`;
}

function identicalSpec(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`  - name: same${i}`, "    zone: inside");
  return HEADER("eu-central-1") + `${lines.join("\n")}\n`;
}

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

describe("cost: properties", () => {
  it("allocates every cent: tenants' totals and the unallocated overhead add up to the total", () => {
    for (const seed of SEEDS) {
      const model = resolve(validSpec(randomSpec(seed)));
      const prices = priceTable(model.cluster.region);
      if (prices === undefined) throw new Error(model.cluster.region);
      for (const sharing of ["proportional", "even"] as const) {
        const e = estimate(model, prices, sharing);
        expect(e.tenants.reduce((n, t) => n + t.total, 0) + e.unallocated, `seed ${seed} ${sharing}`).toBe(
          e.total,
        );
        for (const t of e.tenants)
          expect(t.total, `seed ${seed} ${t.name}`).toBe(t.compute + t.idle + t.services + t.shared);
      }
    }
  });

  it("draws the growth curve through today's total, and finds break-even where the curves cross", () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const model = resolve(validSpec(randomSpec(seed)));
      const prices = priceTable(model.cluster.region);
      if (prices === undefined) throw new Error(model.cluster.region);
      const today = estimate(model, prices, "proportional");
      // n + 1 points from 1 to n: every fleet size.
      const curve = growth(model, prices, model.tenants.length, model.tenants.length + 1);
      expect(curve.map((p) => p.tenants)).toEqual(model.tenants.map((_, i) => i + 1));
      expect(curve.at(-1), `seed ${seed}`).toEqual({
        tenants: model.tenants.length,
        platform: today.total,
        baseline: today.baselineTotal,
      });
      const even = breakEven(model, prices, model.tenants.length);
      const first = curve.find((p) => p.platform <= p.baseline);
      expect(even, `seed ${seed}`).toBe(first?.tenants);
    }
  });

  it("never charges a dedicated tenant less than its own nodes", () => {
    for (const seed of SEEDS) {
      const model = resolve(validSpec(randomSpec(seed)));
      const prices = priceTable(model.cluster.region);
      if (prices === undefined) throw new Error(model.cluster.region);
      const e = estimate(model, prices, "proportional");
      for (const t of e.tenants.filter((x) => x.tier === "dedicated")) {
        const own = e.steady.nodes
          .filter((n) => n.pool === `tenant-${t.name}`)
          .reduce((n, g) => n + g.monthly, 0);
        expect(t.total, `seed ${seed} ${t.name}`).toBeGreaterThanOrEqual(own);
      }
    }
  });

  it("never raises the others' cost when one more identical shared tenant joins, while fixed costs dominate; beyond, by at most one node's idle", () => {
    // Spreading real idle capacity (OpenCost's way) means a newcomer that opens a node shares
    // that node's idle with everyone: while each tenant's share of the fixed costs exceeds a
    // node's price nobody pays more; beyond, a newcomer can raise the
    // others by at most one node's monthly price spread over the fleet.
    const prices = priceTable("eu-central-1");
    if (prices === undefined) throw new Error("eu-central-1");
    let before = estimate(resolve(validSpec(identicalSpec(1))), prices, "proportional");
    for (let n = 2; n <= 48; n++) {
      const after = estimate(resolve(validSpec(identicalSpec(n))), prices, "proportional");
      const biggestNode = Math.max(...after.steady.nodes.map((g) => g.monthly / g.count));
      // The rule's own condition, not a count of tenants: that moves with what a tenant runs.
      const fixedShare = after.sharedLines.reduce((sum, l) => sum + l.monthly, 0) / n;
      const allowed = fixedShare > biggestNode ? 1 : Math.ceil(biggestNode / (n - 1)) + 1;
      for (const t of before.tenants) {
        const now = after.tenants.find((x) => x.name === t.name);
        expect((now?.total ?? 0) - t.total, `${t.name} at ${n} tenants`).toBeLessThanOrEqual(allowed);
      }
      before = after;
    }
  });

  it("never puts on a node more than its instance type holds", () => {
    for (const seed of SEEDS) {
      const model = resolve(validSpec(randomSpec(seed)));
      const prices = priceTable(model.cluster.region);
      if (prices === undefined) throw new Error(model.cluster.region);
      const ds = daemonSetOverhead(model);
      for (const load of ["min", "max"] as const) {
        for (const node of runNodes(model, prices, load)) {
          const t = node.offer.type;
          expect(node.pods.reduce((n, p) => n + p.cpu, 0) + ds.cpu, `seed ${seed}`).toBeLessThanOrEqual(
            t.allocatableCpu,
          );
          expect(node.pods.reduce((n, p) => n + p.memory, 0) + ds.memory, `seed ${seed}`).toBeLessThanOrEqual(
            t.allocatableMemory,
          );
          expect(node.pods.length + ds.pods, `seed ${seed}`).toBeLessThanOrEqual(t.maxPods);
        }
      }
    }
  });

  it("packs small cases within 10 % of the optimum found by exhaustive search", () => {
    const prices = priceTable("us-east-1");
    if (prices === undefined) throw new Error("us-east-1");
    const offers = offersFor(prices, "on-demand");
    const overhead = { cpu: 180, memory: 184 * 2 ** 20, pods: 4 };
    for (const seed of Array.from({ length: 60 }, (_, i) => 7 + i)) {
      const r = rng(seed);
      const pods: Pod[] = Array.from({ length: 2 + Math.floor(r() * 6) }, (_, i) => ({
        cpu: 100 + Math.floor(r() * 3500),
        memory: (128 + Math.floor(r() * 14000)) * 2 ** 20,
        payers: ["x"],
        what: `pod ${i}`,
      }));
      const ours = pack(pods, offers, overhead).reduce((n, node) => n + node.offer.hourly, 0);
      const best = optimum(pods, offers, overhead);
      expect(ours, `seed ${seed}: ${ours} vs optimum ${best}`).toBeLessThanOrEqual(best * 1.1 + 1e-9);
    }
  });
});

/** The cheapest cost over every partition of the pods into nodes, each node the cheapest type that holds its pods. */
function optimum(
  pods: readonly Pod[],
  offers: readonly Offer[],
  overhead: { cpu: number; memory: number; pods: number },
): number {
  const cheapest = (group: readonly Pod[]) => {
    const cpu = group.reduce((n, p) => n + p.cpu, 0) + overhead.cpu;
    const memory = group.reduce((n, p) => n + p.memory, 0) + overhead.memory;
    const fit = offers.filter(
      (o) =>
        cpu <= o.type.allocatableCpu &&
        memory <= o.type.allocatableMemory &&
        group.length + overhead.pods <= o.type.maxPods,
    );
    return fit.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...fit.map((o) => o.hourly));
  };
  let best = Number.POSITIVE_INFINITY;
  const groups: Pod[][] = [];
  const walk = (i: number, cost: number) => {
    if (cost >= best) return;
    if (i === pods.length) {
      best = Math.min(
        best,
        groups.reduce((n, g) => n + cheapest(g), 0),
      );
      return;
    }
    const pod = pods[i] as Pod;
    for (const g of groups) {
      g.push(pod);
      walk(i + 1, cost);
      g.pop();
    }
    groups.push([pod]);
    walk(i + 1, cost);
    groups.pop();
  };
  walk(0, 0);
  return best;
}
