/**
 * The allowances of a tenant's stack on top of its default deny, each a named policy, in the
 * product contract's terms (src/products/contract.ts):
 * - the load balancer (or ingress controller) reaches the product's public workloads on http;
 * - Prometheus scrapes its metrics workloads on http (the database's exporter has its own policy);
 * - every pod of the product reaches the tenant's database and Redis, on their ports only;
 * - the workloads that may reach the public internet do, never private ranges (other tenants,
 *   the VPC, instance metadata) nor the zone's denied networks (customer data for an internal zone);
 * - the tenant's database accepts the product's pods, its replicas and the CloudNativePG operator;
 *   it reaches the API server (VPC) and S3 for backups;
 * - the tenant's Redis accepts the product's pods and KEDA (queue length).
 */
import {
  ADDON_NAMESPACE,
  CNPG_CLUSTER_LABEL,
  DATA,
  LABEL,
  NETWORK_POLICY,
  PORT,
  productPolicyNames,
  REDIS_LABELS,
  zoneDataNamespace,
} from "../../model/names.js";
import type { Model, TenantModel, ZoneModel } from "../../model/resolve.js";
import type { WorkloadDeclaration } from "../../products/contract/declaration.js";
import { publicInternet } from "./cidr.js";
import type { KubernetesObject, ObjectMeta } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";

const TCP = (port: number | string) => ({ port, protocol: "TCP" });
const inNamespace = (ns: string) => ({ [LABEL.namespaceName]: ns });

/** Every pod of the tenant's product: the clients of its data services. */
export function appPods(tenant: TenantModel): { matchLabels: Record<string, string> } {
  return { matchLabels: { [LABEL.name]: tenant.product.name } };
}

export function allowFromNamespace(
  namespace: string,
  podLabels?: Record<string, string>,
): Record<string, unknown> {
  return {
    namespaceSelector: { matchLabels: inNamespace(namespace) },
    ...(podLabels === undefined ? {} : { podSelector: { matchLabels: podLabels } }),
  };
}

function policy(tenant: TenantModel, name: string, spec: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: tenantMeta(tenant, name),
    spec,
  };
}

/** The product's pods of some of its workloads (by their component label). */
function workloadPods(tenant: TenantModel, which: (w: WorkloadDeclaration) => boolean) {
  return {
    matchExpressions: [
      {
        key: LABEL.component,
        operator: "In",
        values: tenant.product.workloads.filter(which).map((w) => w.component),
      },
    ],
    matchLabels: { [LABEL.name]: tenant.product.name },
  };
}

export function renderStackNetworkPolicies(model: Model, tenant: TenantModel): KubernetesObject[] {
  const names = productPolicyNames(tenant.product.name);
  const services = tenant.product.dataServices;
  const out = [
    ...publicAndMetrics(model, tenant),
    ...(services.length === 0 ? [] : [toDataPolicy(model, tenant, names.toData)]),
  ];
  const internet = publicInternet(tenant.zone.deniedEgressCidrs);
  if (tenant.product.workloads.some((w) => w.internet)) {
    out.push(
      policy(tenant, names.toInternet, {
        // No public range left (both families denied): no rule at all, since `to: []` would mean everywhere.
        egress: internet.length === 0 ? [] : [{ to: internet }],
        podSelector: workloadPods(tenant, (w) => w.internet),
        policyTypes: ["Egress"],
      }),
    );
  }
  if (services.includes("database") && tenant.settings.database.isolation === "cluster") {
    out.push(
      databasePolicy(
        model,
        tenant.zone,
        tenantMeta(tenant, NETWORK_POLICY.database),
        tenant.data.databaseCluster,
        [{ podSelector: appPods(tenant) }],
      ),
    );
  }
  if (services.includes("queue") && tenant.settings.redis.isolation === "instance") {
    out.push(
      policy(tenant, NETWORK_POLICY.redis, {
        ingress: [
          {
            from: [{ podSelector: appPods(tenant) }, allowFromNamespace(ADDON_NAMESPACE.keda)],
            ports: [TCP(PORT.redis)],
          },
        ],
        podSelector: { matchLabels: { ...REDIS_LABELS } },
        policyTypes: ["Ingress"],
      }),
    );
  }
  return out;
}

/** The load balancer to the public workloads, Prometheus to the metrics workloads. */
function publicAndMetrics(model: Model, tenant: TenantModel): KubernetesObject[] {
  const http = tenant.product.httpPort;
  const ingressSources =
    model.ingress.className === "alb"
      ? (model.cluster.loadBalancerSubnets ?? [model.cluster.vpcCidr]).map((cidr) => ({ ipBlock: { cidr } }))
      : [allowFromNamespace(model.ingress.controllerNamespace)];
  const out: KubernetesObject[] = [];
  if (tenant.product.workloads.some((w) => w.public)) {
    out.push(
      policy(tenant, productPolicyNames(tenant.product.name).ingress, {
        ingress: [{ from: ingressSources, ports: [TCP("http")] }],
        podSelector: workloadPods(tenant, (w) => w.public),
        policyTypes: ["Ingress"],
      }),
    );
  }
  const metrics = tenant.product.workloads.filter((w) => w.metrics).map((w) => w.component);
  if (metrics.length > 0) {
    out.push(
      policy(tenant, NETWORK_POLICY.prometheus, {
        ingress: [{ from: [allowFromNamespace(ADDON_NAMESPACE.monitoring)], ports: [TCP(http)] }],
        podSelector: {
          matchExpressions: [
            { key: LABEL.component, operator: "In", values: metrics },
            { key: LABEL.name, operator: "In", values: [tenant.product.name] },
          ],
        },
        policyTypes: ["Ingress"],
      }),
    );
  }
  return out;
}

/** Every pod of the product to the tenant's database and Redis, wherever the isolation puts them. */
function toDataPolicy(model: Model, tenant: TenantModel, name: string): KubernetesObject {
  const isolation = tenant.settings.database.isolation;
  const zoneNs = zoneDataNamespace(tenant.zone.name);
  const databasePeers =
    isolation === "cluster"
      ? [{ podSelector: { matchLabels: { [CNPG_CLUSTER_LABEL]: tenant.data.databaseCluster } } }]
      : isolation === "database"
        ? [allowFromNamespace(zoneNs, { [CNPG_CLUSTER_LABEL]: DATA.sharedDbCluster })]
        : (model.cluster.databaseSubnets ?? [model.cluster.vpcCidr]).map((cidr) => ({ ipBlock: { cidr } }));
  const redisPeer =
    tenant.settings.redis.isolation === "acl"
      ? allowFromNamespace(zoneNs, { ...REDIS_LABELS, [LABEL.zone]: tenant.zone.name })
      : { podSelector: { matchLabels: { ...REDIS_LABELS } } };
  const services = tenant.product.dataServices;
  return policy(tenant, name, {
    egress: [
      ...(services.includes("database") ? [{ ports: [TCP(PORT.postgres)], to: databasePeers }] : []),
      ...(services.includes("queue") ? [{ ports: [TCP(PORT.redis)], to: [redisPeer] }] : []),
    ],
    podSelector: appPods(tenant),
    policyTypes: ["Egress"],
  });
}

/**
 * A CloudNativePG cluster's network: clients on 5432; its own instances (replication);
 * the operator (instance manager on 8000, and 5432); Prometheus (exporter on 9187). Out:
 * the API server (in the VPC) and S3 (public) on 443, its own instances on 5432. The
 * public side excludes the zone's denied networks: an internal zone's database must not
 * reach customer data either (verify's internal-zone-egress found this one).
 */
export function databasePolicy(
  model: Model,
  zone: ZoneModel,
  metadata: ObjectMeta,
  cluster: string,
  clients: readonly Record<string, unknown>[],
): KubernetesObject {
  const self = { podSelector: { matchLabels: { [CNPG_CLUSTER_LABEL]: cluster } } };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      egress: [
        { ports: [TCP(PORT.postgres)], to: [self] },
        {
          ports: [TCP(443)],
          to: [{ ipBlock: { cidr: model.cluster.vpcCidr } }, ...publicInternet(zone.deniedEgressCidrs)],
        },
      ],
      ingress: [
        { from: [...clients, self], ports: [TCP(PORT.postgres)] },
        {
          from: [allowFromNamespace(ADDON_NAMESPACE.cnpg, { [LABEL.name]: "cloudnative-pg" })],
          ports: [TCP(PORT.cnpgInstanceManager), TCP(PORT.postgres)],
        },
        { from: [allowFromNamespace(ADDON_NAMESPACE.monitoring)], ports: [TCP(PORT.postgresMetrics)] },
      ],
      podSelector: self.podSelector,
      policyTypes: ["Ingress", "Egress"],
    },
  };
}
