/**
 * Today's cost of a tenant: one ECS/Fargate stack in an AWS account of its own, as
 * `cost.baseline` describes it (README: the defaults and why).
 */
import type { Model, TenantModel } from "../model/resolve.js";
import type { CostLine } from "./fixed-costs.js";
import { priceOf } from "./price-lookup.js";
import { HOURS_PER_MONTH, type PriceTable } from "./prices.js";

/** The workload the baseline's worker tasks stand for (n8n's `worker`; a product without one gets 1 task). */
export const WORKER_COMPONENT = "worker";

export function baselineCost(model: Model, tenant: TenantModel, prices: PriceTable): CostLine[] {
  const b = model.cost.baseline;
  const p = (key: string) => priceOf(prices, key);
  const h = HOURS_PER_MONTH;
  const task = (t: { cpu: number; memoryGiB: number }) =>
    (t.cpu * p("fargate:vcpu-hour") + t.memoryGiB * p("fargate:gb-hour")) * h;
  // Today's stacks run a fixed number of workers: by default the product's own minimum.
  const declared = tenant.product.workloads.find((w) => w.component === WORKER_COMPONENT)?.min ?? 0;
  const workers = b.workers ?? Math.max(1, declared);
  const copies = b.rdsMultiAz ? 2 : 1;
  const lines: CostLine[] = [
    {
      name: "Fargate main task",
      monthly: task(b.mainTask),
      prices: ["fargate:vcpu-hour", "fargate:gb-hour"],
    },
    {
      name: `Fargate worker tasks (${workers})`,
      monthly: workers * task(b.workerTask),
      prices: ["fargate:vcpu-hour", "fargate:gb-hour"],
    },
    {
      name: `NAT gateways (${b.natGateways}) and ${b.natGbMonth} GB`,
      monthly: b.natGateways * p("nat:hour") * h + b.natGbMonth * p("nat:gb"),
      prices: ["nat:hour", "nat:gb"],
    },
    {
      name: `public IPv4 (${b.publicIpv4})`,
      monthly: b.publicIpv4 * p("ipv4:hour") * h,
      prices: ["ipv4:hour"],
    },
    {
      name: `RDS ${b.rdsClass}${b.rdsMultiAz ? " Multi-AZ" : ""}, ${b.rdsStorageGiB} GiB`,
      monthly: copies * (p(`rds:${b.rdsClass}`) * h + b.rdsStorageGiB * p("rds:gp3-gb-month")),
      prices: [`rds:${b.rdsClass}`, "rds:gp3-gb-month"],
    },
    {
      name: `ElastiCache ${b.cacheClass}`,
      monthly: p(`elasticache:${b.cacheClass}`) * h,
      prices: [`elasticache:${b.cacheClass}`],
    },
    {
      name: `${b.secrets} secrets, ${b.kmsKeys} KMS keys`,
      monthly: b.secrets * p("secretsmanager:secret-month") + b.kmsKeys * p("kms:key-month"),
      prices: ["secretsmanager:secret-month", "kms:key-month"],
    },
    { name: "account fixed costs", monthly: b.accountFixedMonthly, prices: [] },
  ];
  if (b.loadBalancer) {
    lines.push({
      name: `load balancer (${b.albLcu} LCU)`,
      monthly: (p("alb:hour") + b.albLcu * p("alb:lcu-hour")) * h,
      prices: ["alb:hour", "alb:lcu-hour"],
    });
  }
  return lines;
}
