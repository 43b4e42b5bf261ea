/**
 * The cost report: the estimate, the break-even fleet size, the growth curve, chargeback by a
 * tenant label, the prices it used (with source, date and whether they were confirmed) and
 * the assumptions behind it. Formatters (text, JSON, CSV, HTML) only present it.
 */
import type { Model } from "../model/resolve.js";
import { CPU_RAM_WEIGHTS } from "./allocation.js";
import { daemonSetOverhead } from "./demand.js";
import {
  breakEven,
  type CostEstimate,
  estimate,
  type GrowthPoint,
  growth,
  type Sharing,
} from "./estimate.js";
import { NODE_VOLUME_GIB } from "./nodes.js";
import { HOURS_PER_MONTH, type Price, type PriceTable } from "./prices.js";

export interface CostReport extends CostEstimate {
  readonly platform: string;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly breakEven: number | undefined;
  readonly growth: readonly GrowthPoint[];
  readonly chargeback: {
    readonly label: string;
    readonly groups: readonly { value: string; tenants: number; total: number; baseline: number }[];
  };
  readonly density: { readonly nodes: number; readonly tenantsPerNode: number };
  readonly prices: readonly (Price & { readonly key: string })[];
  readonly assumptions: readonly { readonly name: string; readonly value: string; readonly set: string }[];
}

export interface ReportOptions {
  readonly region: string;
  readonly sharing: Sharing;
  readonly chargebackLabel: string;
  /** Growth and break-even look this far (default: 2 × today's tenants). */
  readonly horizon?: number;
}

export function costReport(model: Model, prices: PriceTable, options: ReportOptions): CostReport {
  const e = estimate(model, prices, options.sharing);
  const horizon = options.horizon ?? Math.max(2, 2 * model.tenants.length);
  const groups = new Map<string, { value: string; tenants: number; total: number; baseline: number }>();
  for (const t of e.tenants) {
    const value = t.labels[options.chargebackLabel] ?? "(none)";
    const g = groups.get(value) ?? { value, tenants: 0, total: 0, baseline: 0 };
    g.tenants += 1;
    g.total += t.total;
    g.baseline += t.baseline;
    groups.set(value, g);
  }
  const nodes = e.steady.nodeCount + 2;
  const ds = daemonSetOverhead(model);
  return {
    ...e,
    platform: model.platform,
    region: options.region,
    pricesAsOf: Object.values(prices)[0]?.asOf ?? "",
    breakEven: breakEven(model, prices, horizon),
    growth: model.tenants.length === 0 ? [] : growth(model, prices, horizon),
    chargeback: {
      label: options.chargebackLabel,
      groups: [...groups.values()].sort((a, b) => b.total - a.total),
    },
    density: { nodes, tenantsPerNode: model.tenants.length / nodes },
    prices: Object.entries(prices)
      .map(([key, p]) => ({ key, ...p }))
      .sort((a, b) => (a.key < b.key ? -1 : 1)),
    assumptions: [
      { name: "month", value: `${HOURS_PER_MONTH} hours`, set: "fixed" },
      {
        name: "steady state",
        value: "every workload at its minimum replicas (peak: at its maximum)",
        set: "the product's workloads (their min/max replicas)",
      },
      {
        name: "node choice",
        value: "cheapest packing over c/m/r generation 7 (Graviton and Intel), large to 4xlarge",
        set: "the Karpenter pools' requirements",
      },
      {
        name: "general pool",
        value: "spot at the assumed discount; database and dedicated pools on-demand",
        set: "price table (spot-discount:*)",
      },
      {
        name: "per node",
        value: `kube-reserved and eviction threshold (EKS formula), ${ds.pods} DaemonSets (${ds.cpu}m CPU, ${Math.round(ds.memory / 2 ** 20)} MiB), pods-per-node of the VPC CNI, ${NODE_VOLUME_GIB} GiB gp3 root volume`,
        set: "fixed",
      },
      {
        name: "allocation",
        value: `requests at the node's price per vCPU and GiB (OpenCost's ratio ${CPU_RAM_WEIGHTS.vcpuHour} : ${CPU_RAM_WEIGHTS.gibHour} per hour); a dedicated tenant pays its whole pool`,
        set: "fixed",
      },
      {
        name: "shared costs",
        value:
          options.sharing === "even"
            ? "spread evenly over tenants"
            : "spread in proportion to each tenant's node costs",
        set: "--share",
      },
      {
        name: "NAT traffic",
        value: `${model.cost.natGbPerTenantMonth} GB per tenant and month`,
        set: "cost.natGbPerTenantMonth",
      },
      {
        name: "load balancer",
        value: `one ALB per zone, 1 LCU each + ${model.cost.albLcuPerTenant} per tenant`,
        set: "cost.albLcuPerTenant",
      },
      {
        name: "backups",
        value: `${model.cost.backupGbPerDatabaseGb} × the database volume in S3 Standard`,
        set: "cost.backupGbPerDatabaseGb",
      },
      { name: "baseline", value: baselineText(model), set: "cost.baseline" },
    ],
  };
}

function baselineText(model: Model): string {
  const b = model.cost.baseline;
  return `per tenant account: Fargate main ${b.mainTask.cpu} vCPU/${b.mainTask.memoryGiB} GiB, workers ${b.workerTask.cpu} vCPU/${b.workerTask.memoryGiB} GiB × ${b.workers ?? "the worker workload's min (≥ 1)"}, ${b.natGateways} NAT, ${b.loadBalancer ? `ALB (${b.albLcu} LCU)` : "no ALB"}, ${b.publicIpv4} IPv4, ${b.rdsClass}${b.rdsMultiAz ? " Multi-AZ" : ""} ${b.rdsStorageGiB} GiB, ${b.cacheClass}, ${b.secrets} secrets, ${b.kmsKeys} keys, $${b.accountFixedMonthly} account fixed`;
}
