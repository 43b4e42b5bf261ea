/**
 * What the cluster runs, as pods with their requests, per Karpenter pool: every tenant's
 * workloads (at their minimum replicas for the steady state, at the maximum for the peak), its
 * own PostgreSQL and Redis, the zones' shared servers (paid by the tenants on them), and the
 * add-ons' own pods (paid by the platform). DaemonSets are a per-node overhead, not pods here.
 */
import { bytes, millicores } from "../input/quantity.js";
import { OBSERVABILITY_RESOURCES, podGroups } from "../model/footprint.js";
import { NODE_POOL } from "../model/names.js";
import type { NodePoolPlan } from "../model/node-pools.js";
import type { Model, TenantModel } from "../model/resolve.js";
import { poolFor } from "../model/scheduling.js";
import { zoneSharedTenants } from "../model/shared-data.js";

export interface Pod {
  /** millicores */
  readonly cpu: number;
  /** bytes */
  readonly memory: number;
  /** Who pays for it: one tenant, the tenants of a shared server (evenly), or none (the platform). */
  readonly payers: readonly string[];
  readonly what: string;
}

export interface PoolDemand {
  readonly pool: NodePoolPlan;
  /** A dedicated tenant's pool: the tenant pays all of it. */
  readonly dedicatedTo: string | undefined;
  readonly pods: readonly Pod[];
}

export type Load = "min" | "max";

const MIB = 2 ** 20;

/** Requests of the add-ons' pods on the general pool (their charts' defaults, or tenantctl's values). */
const ADDON_PODS: Readonly<Record<string, readonly [string, number, number][]>> = {
  cloudnativePg: [["cloudnative-pg operator", 100, 200 * MIB]],
  keda: [
    ["keda operator", 100, 100 * MIB],
    ["keda metrics server", 100, 100 * MIB],
    ["keda admission", 10, 64 * MIB],
  ],
  externalSecrets: [
    ["external-secrets", 10, 32 * MIB],
    ["external-secrets webhook", 10, 32 * MIB],
    ["external-secrets cert controller", 10, 32 * MIB],
  ],
  externalDns: [["external-dns", 50, 64 * MIB]],
  certManager: [
    ["cert-manager", 10, 32 * MIB],
    ["cert-manager webhook", 10, 32 * MIB],
    ["cert-manager cainjector", 10, 32 * MIB],
  ],
  awsLoadBalancerController: [
    ["aws-load-balancer-controller", 100, 128 * MIB],
    ["aws-load-balancer-controller", 100, 128 * MIB],
  ],
  kyverno: [
    ["kyverno admission", 100, 128 * MIB],
    ["kyverno admission", 100, 128 * MIB],
    ["kyverno admission", 100, 128 * MIB],
    ["kyverno background", 100, 64 * MIB],
  ],
  policyReporter: [["policy-reporter", 10, 64 * MIB]],
  kubePrometheusStack: [
    ["prometheus", 500, 2048 * MIB],
    ["prometheus operator", 100, 128 * MIB],
    ["kube-state-metrics", 50, 64 * MIB],
    ["alertmanager", 50, 64 * MIB],
  ],
  loki: [["loki", 500, 1024 * MIB]],
};

/** A tenant's own Grafana and metrics proxy, at their requests. */
const OBSERVABILITY_PODS: readonly [string, number, number][] = Object.entries(OBSERVABILITY_RESOURCES).map(
  ([what, r]) => [what, millicores(r.requests.cpu), bytes(r.requests.memory)],
);

/** Per node: the DaemonSets every node runs (VPC CNI, kube-proxy, EBS CSI, Pod Identity agent, node exporter). */
export function daemonSetOverhead(model: Model): { cpu: number; memory: number; pods: number } {
  const sets: [number, number][] = [
    [25, 0],
    [100, 0],
    [30, 120 * MIB],
    [25, 64 * MIB],
  ];
  if (model.addons.some((a) => a.name === "kubePrometheusStack")) sets.push([50, 64 * MIB]);
  if (model.addons.some((a) => a.name === "fluentBit")) sets.push([50, 64 * MIB]);
  return {
    cpu: sets.reduce((n, [c]) => n + c, 0),
    memory: sets.reduce((n, [, m]) => n + m, 0),
    pods: sets.length,
  };
}

export function demand(model: Model, load: Load): PoolDemand[] {
  const pods = new Map<string, Pod[]>();
  const add = (pool: string, pod: Pod, times: number) => {
    let list = pods.get(pool);
    if (list === undefined) pods.set(pool, (list = []));
    for (let i = 0; i < times; i++) list.push(pod);
  };
  for (const tenant of model.tenants) {
    tenantPods(tenant, load, add);
    // Its own Grafana and metrics proxy (render/cluster/observability), on its pool: its to pay.
    if (model.observability.enabled)
      for (const [what, cpu, memory] of OBSERVABILITY_PODS)
        add(poolFor(tenant, "app"), { cpu, memory, payers: [tenant.name], what }, 1);
  }
  for (const zone of model.zones) {
    const shared = zoneSharedTenants(model, zone.name);
    const pool = zone.dedicatedNodes ? NODE_POOL.zone(zone.name) : NODE_POOL.general;
    if (shared.database.length > 0) {
      const payers = shared.database.map((t) => t.name);
      add(
        NODE_POOL.database,
        { cpu: 500, memory: 1024 * MIB, payers, what: `zone ${zone.name} shared PostgreSQL` },
        2,
      );
    }
    if (shared.redis.length > 0) {
      add(
        pool,
        {
          cpu: 100,
          memory: 256 * MIB,
          payers: shared.redis.map((t) => t.name),
          what: `zone ${zone.name} shared Redis`,
        },
        1,
      );
    }
  }
  for (const addon of model.addons) {
    for (const [what, cpu, memory] of ADDON_PODS[addon.name] ?? []) {
      add(NODE_POOL.general, { cpu, memory, payers: [], what }, 1);
    }
  }
  const dedicated = new Map(
    model.tenants
      .filter((t) => t.settings.tier === "dedicated")
      .map((t) => [NODE_POOL.tenant(t.name), t.name]),
  );
  return model.nodePools
    .filter((pool) => (pods.get(pool.name)?.length ?? 0) > 0)
    .map((pool) => ({ pool, dedicatedTo: dedicated.get(pool.name), pods: pods.get(pool.name) ?? [] }));
}

function tenantPods(
  tenant: TenantModel,
  load: Load,
  add: (pool: string, pod: Pod, times: number) => void,
): void {
  for (const group of podGroups(tenant.settings, tenant.product.workloads, tenant.product.dataServices)) {
    const pod: Pod = {
      cpu: group.containers.reduce((n, c) => n + millicores(c.requests.cpu), 0),
      memory: group.containers.reduce((n, c) => n + bytes(c.requests.memory), 0),
      payers: [tenant.name],
      what: `${tenant.name} ${group.workload}`,
    };
    add(poolFor(tenant, group.workload, group.nodeClass), pod, group[load]);
  }
}
