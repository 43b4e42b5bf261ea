/**
 * Today's cost of a tenant: one ECS/Fargate stack in an AWS account of its own, as
 * `cost.baseline` describes it (README: the defaults and why).
 */
import type { Model, TenantModel } from "../model/resolve.js";
import type { CostLine } from "./fixed-costs.js";
import { priceOf } from "./price-lookup.js";
import { bytes, millicores } from "../input/quantity.js";
import { HOURS_PER_MONTH, type PriceTable } from "./prices.js";

/** The workload the baseline's worker tasks stand for (n8n's `worker`). */
export const WORKER_COMPONENT = "worker";

type Baseline = Model["cost"]["baseline"];
type TaskPrice = (t: { cpu: number; memoryGiB: number }) => number;
const FARGATE = ["fargate:vcpu-hour", "fargate:gb-hour"];

/** n8n on ECS as it runs today: a main task and a fixed number of workers (by default the tenant's own minimum). */
function n8nTasks(b: Baseline, tenant: TenantModel, task: TaskPrice): CostLine[] {
  const declared = tenant.product.workloads.find((w) => w.component === WORKER_COMPONENT)?.min ?? 0;
  const workers = b.workers ?? Math.max(1, declared);
  return [
    { name: "Fargate main task", monthly: task(b.mainTask), prices: FARGATE },
    { name: `Fargate worker tasks (${workers})`, monthly: workers * task(b.workerTask), prices: FARGATE },
  ];
}

/**
 * A service product as one ECS service per component: its minimum replicas (at least one: ECS
 * services without autoscaling do not scale to zero), each a Fargate task of the smallest size
 * that holds the component's requests.
 */
function componentTasks(tenant: TenantModel, task: TaskPrice): CostLine[] {
  return tenant.product.workloads.map((w) => {
    const size = fargateSize(
      w.containers.reduce((n, c) => n + millicores(c.requests.cpu), 0) / 1000,
      w.containers.reduce((n, c) => n + bytes(c.requests.memory), 0) / 2 ** 30,
    );
    const count = Math.max(1, w.min);
    return {
      name: `Fargate ${w.component} tasks (${count} × ${size.cpu} vCPU / ${size.memoryGiB} GiB)`,
      monthly: count * task(size),
      prices: FARGATE,
    };
  });
}

/** The smallest Fargate task size with at least this CPU and memory (Fargate's CPU steps and per-CPU memory floors). */
export function fargateSize(cpu: number, memoryGiB: number): { cpu: number; memoryGiB: number } {
  const steps: [number, number][] = [
    [0.25, 0.5],
    [0.5, 1],
    [1, 2],
    [2, 4],
    [4, 8],
    [8, 16],
    [16, 32],
  ];
  const [size, floor] = steps.find(([c]) => c >= cpu) ?? [16, 32];
  const memory = Math.max(floor, size === 0.25 && memoryGiB <= 0.5 ? 0.5 : Math.ceil(memoryGiB));
  return { cpu: size, memoryGiB: memory };
}

export function baselineCost(model: Model, tenant: TenantModel, prices: PriceTable): CostLine[] {
  const b = model.cost.baseline;
  const p = (key: string) => priceOf(prices, key);
  const h = HOURS_PER_MONTH;
  const task = (t: { cpu: number; memoryGiB: number }) =>
    (t.cpu * p("fargate:vcpu-hour") + t.memoryGiB * p("fargate:gb-hour")) * h;
  const copies = b.rdsMultiAz ? 2 : 1;
  const lines: CostLine[] = [
    ...(tenant.product.kind === "n8n" ? n8nTasks(b, tenant, task) : componentTasks(tenant, task)),
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
