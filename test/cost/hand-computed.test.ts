/**
 * Two platforms whose every figure is worked out here by hand, by arithmetic from the price
 * table: the nodes Karpenter would launch, what each pod pays on them, the fixed costs, the
 * tenant's own services and the ECS baseline; and the total, to the cent.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CPU_RAM_WEIGHTS } from "../../src/cost/allocation.js";
import { baselineCost, fargateSize } from "../../src/cost/baseline.js";
import { estimate } from "../../src/cost/estimate.js";
import { HOURS_PER_MONTH, priceTable } from "../../src/cost/prices.js";
import { resolve } from "../../src/model/resolve.js";
import { validSpec } from "../support/example.js";

const model = (file: string) =>
  resolve(validSpec(readFileSync(new URL(`fixtures/${file}`, import.meta.url), "utf8")));
const table = priceTable("us-east-1");
if (table === undefined) throw new Error("no us-east-1 table");
const p = (key: string): number => {
  const price = table[key];
  if (price === undefined) throw new Error(key);
  return price.usd;
};
const h = HOURS_PER_MONTH;
const MIB = 2 ** 20;
const GIB = 2 ** 30;
const c = (usd: number) => Math.round(usd * 100);

/** What pods requesting `cpu` millicores and `memory` bytes pay on a node of `vcpu`/`gib` costing `monthly`. */
function onNode(monthly: number, vcpu: number, gib: number, cpu: number, memory: number): number {
  const cw = vcpu * CPU_RAM_WEIGHTS.vcpuHour;
  const rw = gib * CPU_RAM_WEIGHTS.gibHour;
  return (
    (cpu * (monthly * cw)) / (cw + rw) / (vcpu * 1000) + (memory * (monthly * rw)) / (cw + rw) / (gib * GIB)
  );
}

describe("cost: one tenant, by hand", () => {
  const e = estimate(model("one-tenant.yaml"), table, "proportional");

  it("launches one spot c7g.large for the app pods and one on-demand c7g.large for the database", () => {
    // n8n main (250m, 512Mi: no runner since 2.13), one worker (300m, 640Mi with its runner), one webhook
    // (100m, 256Mi), Redis (50m, 64Mi): 700m and 1472Mi fit the cheapest node of the general pool, a c7g.large (1930m, 3422Mi allocatable, less 180m for DaemonSets).
    expect(e.steady.nodes).toEqual([
      {
        pool: "database",
        type: "c7g.large",
        capacity: "on-demand",
        count: 1,
        monthly: c(p("ec2:c7g.large") * h + 50 * p("ebs:gp3-gb-month")),
      },
      {
        pool: "general",
        type: "c7g.large",
        capacity: "spot",
        count: 1,
        monthly: c(p("ec2:c7g.large") * (1 - p("spot-discount:c7g")) * h + 50 * p("ebs:gp3-gb-month")),
      },
    ]);
  });

  it("charges the tenant its requests on each node, its services, and every shared cost", () => {
    const general = p("ec2:c7g.large") * (1 - p("spot-discount:c7g")) * h + 50 * p("ebs:gp3-gb-month");
    const database = p("ec2:c7g.large") * h + 50 * p("ebs:gp3-gb-month");
    const compute = onNode(general, 2, 4, 700, 1472 * MIB) + onNode(database, 2, 4, 250, 512 * MIB);
    const services = 20 * p("nat:gb") + 10 * p("ebs:gp3-gb-month") + 10 * 1.5 * p("s3:standard-gb-month");
    const fixed =
      p("eks:control-plane-hour") * h +
      2 * (p("ec2:m7i.large") * h + 50 * p("ebs:gp3-gb-month")) +
      (p("nat:hour") + p("ipv4:hour")) * h +
      4 * 3 * p("vpce:interface-hour") * h +
      3 * p("kms:key-month") +
      p("route53:hosted-zone-month");
    const idle = general + database - compute;
    const total = compute + services + fixed + idle;
    const [one] = e.tenants;
    expect(e.total).toBe(c(total));
    expect(one?.total).toBe(e.total);
    // Parts are rounded so that they add up to the rounded total: each within a cent of its exact value.
    expect(Math.abs((one?.compute ?? 0) - compute * 100)).toBeLessThanOrEqual(1);
    expect(Math.abs((one?.services ?? 0) - services * 100)).toBeLessThanOrEqual(1);
    expect(Math.abs((one?.shared ?? 0) - c(fixed + idle))).toBeLessThanOrEqual(1);
    expect(e.unallocated).toBe(0);
  });

  it("prices its ECS baseline from the defaults: two 1 vCPU / 2 GiB tasks, NAT, 3 IPv4, RDS, cache, ALB, account", () => {
    const task = (p("fargate:vcpu-hour") + 2 * p("fargate:gb-hour")) * h;
    const baseline =
      2 * task +
      (p("nat:hour") * h + 20 * p("nat:gb")) +
      3 * p("ipv4:hour") * h +
      (p("rds:db.t4g.small") * h + 20 * p("rds:gp3-gb-month")) +
      p("elasticache:cache.t4g.micro") * h +
      (4 * p("secretsmanager:secret-month") + p("kms:key-month")) +
      15 +
      (p("alb:hour") + p("alb:lcu-hour")) * h;
    expect(e.tenants[0]?.baseline).toBe(c(baseline));
    expect(e.baselineTotal).toBe(c(baseline));
  });
});

describe("cost: three tenants, by hand", () => {
  const m = model("three-tenants.yaml");
  const e = estimate(m, table, "proportional");
  const byName = new Map(e.tenants.map((t) => [t.name, t]));

  it("gives the dedicated tenant its whole pool, and its RDS instance (Multi-AZ: dedicated)", () => {
    const gamma = byName.get("gamma");
    const pool = e.steady.nodes.filter((n) => n.pool === "tenant-gamma");
    expect(pool.length).toBeGreaterThan(0);
    const poolMonthly = pool.reduce((n, g) => n + g.monthly, 0);
    expect(Math.abs((gamma?.compute ?? 0) + (gamma?.idle ?? 0) - poolMonthly)).toBeLessThanOrEqual(1);
    const rds = 2 * (p("rds:db.t4g.small") * h + 20 * p("rds:gp3-gb-month"));
    const secrets = 4 * p("secretsmanager:secret-month");
    const perTenant = 20 * p("nat:gb") + 0.2 * p("alb:lcu-hour") * h;
    expect(Math.abs((gamma?.services ?? 0) - (rds + secrets + perTenant) * 100)).toBeLessThanOrEqual(1);
  });

  it("has the fixed costs of three NAT gateways, two zones' load balancers, endpoints and keys", () => {
    const fixed = new Map(e.sharedLines.map((l) => [l.name.replace(/ \(.*$/, ""), l.monthly]));
    const near = (name: string, usd: number) =>
      expect(Math.abs((fixed.get(name) ?? -1) - usd * 100), name).toBeLessThanOrEqual(1);
    near("EKS control plane", p("eks:control-plane-hour") * h);
    near("system node group", 2 * (p("ec2:m7i.large") * h + 50 * p("ebs:gp3-gb-month")));
    near("NAT gateways", 3 * (p("nat:hour") + p("ipv4:hour")) * h);
    near("interface endpoints", 4 * 3 * p("vpce:interface-hour") * h);
    near("KMS keys", 4 * p("kms:key-month"));
    near("hosted zone", p("route53:hosted-zone-month"));
    near("load balancers", 2 * (p("alb:hour") + p("alb:lcu-hour") + 3 * p("ipv4:hour")) * h);
  });

  it("prices each baseline with the tenant's own worker count", () => {
    const task = (p("fargate:vcpu-hour") + 2 * p("fargate:gb-hour")) * h;
    const alpha = byName.get("alpha")?.baseline ?? 0;
    expect((byName.get("beta")?.baseline ?? 0) - alpha).toBe(c(2 * task));
  });

  it("adds up: every cent of the total is a tenant's, and the shared lines are what the tenants share", () => {
    const tenantsTotal = e.tenants.reduce((n, t) => n + t.total, 0);
    expect(tenantsTotal + e.unallocated).toBe(e.total);
    expect(e.tenants.reduce((n, t) => n + t.shared, 0)).toBe(
      e.sharedLines.reduce((n, l) => n + l.monthly, 0),
    );
    for (const t of e.tenants) expect(t.total).toBe(t.compute + t.idle + t.services + t.shared);
  });

  it("spreads shared costs evenly when asked (to the cent)", () => {
    const even = estimate(m, table, "even");
    const shares = even.tenants.map((t) => t.shared);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    expect(even.total).toBe(e.total);
  });
});

describe("cost: a service product's ECS baseline, by hand", () => {
  const products = resolve(
    validSpec(readFileSync(new URL("../../examples/products.yaml", import.meta.url), "utf8")),
  );
  const shop = products.tenants.find((t) => t.name === "shop-initech");
  if (shop === undefined) throw new Error("no shop-initech");
  const lines = baselineCost(products, shop, table);

  it("sizes each component's Fargate tasks from its requests, at its minimum replicas (at least 1)", () => {
    const task = (cpu: number, gib: number) =>
      (cpu * p("fargate:vcpu-hour") + gib * p("fargate:gb-hour")) * h;
    // web, api: 100m / 128Mi × 2; worker: 250m / 512Mi × 2; automation: 100m / 128Mi × 1 → all 0.25 vCPU / 0.5 GiB.
    const fargate = lines.filter((l) => l.name.startsWith("Fargate"));
    expect(fargate.map((l) => l.name)).toEqual([
      "Fargate web tasks (2 × 0.25 vCPU / 0.5 GiB)",
      "Fargate api tasks (2 × 0.25 vCPU / 0.5 GiB)",
      "Fargate worker tasks (2 × 0.25 vCPU / 0.5 GiB)",
      "Fargate automation tasks (1 × 0.25 vCPU / 0.5 GiB)",
    ]);
    expect(c(fargate.reduce((n, l) => n + l.monthly, 0))).toBe(c(7 * task(0.25, 0.5)));
  });

  it("rounds up to Fargate's sizes: CPU steps and each step's memory floor", () => {
    expect(fargateSize(0.1, 0.1)).toEqual({ cpu: 0.25, memoryGiB: 0.5 });
    expect(fargateSize(0.3, 0.2)).toEqual({ cpu: 0.5, memoryGiB: 1 });
    expect(fargateSize(1, 3.2)).toEqual({ cpu: 1, memoryGiB: 4 });
    expect(fargateSize(1.5, 1)).toEqual({ cpu: 2, memoryGiB: 4 });
  });
});
