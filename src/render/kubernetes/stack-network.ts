import {
  ADDON_NAMESPACE,
  CNPG_CLUSTER_LABEL,
  DATA,
  LABEL,
  N8N,
  NETWORK_POLICY,
  REDIS_LABELS,
  zoneDataNamespace,
} from "../../model/names.js";
import type { Model, TenantModel, ZoneModel } from "../../model/resolve.js";
import { publicInternet } from "./cidr.js";

import type { KubernetesObject, ObjectMeta } from "../../manifest/object.js";
import { tenantMeta } from "./metadata.js";

/**
 * The allowances of a tenant's stack on top of its default deny, each a named policy:
 * - the load balancer (or ingress controller) reaches main and webhook processors on http;
 * - Prometheus scrapes main and the database exporter;
 * - n8n reaches its own database and Redis, on their ports only;
 * - main and workers reach the public internet, never private ranges (other tenants, the
 *   VPC, instance metadata) nor the zone's denied networks (customer data for the internal zone);
 * - the tenant's database accepts its own n8n pods, its replicas and the CloudNativePG operator;
 *   it reaches the API server (VPC) and S3 for backups;
 * - the tenant's Redis accepts its own n8n pods and KEDA (queue length).
 */
const TCP = (port: number | string) => ({ port, protocol: "TCP" });
const inNamespace = (ns: string) => ({ [LABEL.namespaceName]: ns });
export const n8nPods = { matchLabels: { [LABEL.name]: N8N.app } };

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

export function renderStackNetworkPolicies(model: Model, tenant: TenantModel): KubernetesObject[] {
  const isolation = tenant.settings.database.isolation;
  const acl = tenant.settings.redis.isolation === "acl";
  const zoneNs = zoneDataNamespace(tenant.zone.name);
  const ingressSources =
    model.ingress.className === "alb"
      ? (model.cluster.loadBalancerSubnets ?? [model.cluster.vpcCidr]).map((cidr) => ({ ipBlock: { cidr } }))
      : [allowFromNamespace(model.ingress.controllerNamespace)];

  const out = [
    policy(tenant, NETWORK_POLICY.ingressToN8n, {
      ingress: [{ from: ingressSources, ports: [TCP("http")] }],
      podSelector: {
        matchExpressions: [{ key: LABEL.component, operator: "In", values: ["main", "webhook"] }],
        matchLabels: { [LABEL.name]: N8N.app },
      },
      policyTypes: ["Ingress"],
    }),
    policy(tenant, NETWORK_POLICY.prometheus, {
      ingress: [
        { from: [allowFromNamespace(ADDON_NAMESPACE.monitoring)], ports: [TCP(N8N.port), TCP(9187)] },
      ],
      podSelector: {
        matchExpressions: [
          { key: LABEL.component, operator: "In", values: ["main"] },
          { key: LABEL.name, operator: "In", values: [N8N.app] },
        ],
      },
      policyTypes: ["Ingress"],
    }),
  ];

  const databasePeers =
    isolation === "cluster"
      ? [{ podSelector: { matchLabels: { [CNPG_CLUSTER_LABEL]: DATA.dbCluster } } }]
      : isolation === "database"
        ? [allowFromNamespace(zoneNs, { [CNPG_CLUSTER_LABEL]: DATA.sharedDbCluster })]
        : (model.cluster.databaseSubnets ?? [model.cluster.vpcCidr]).map((cidr) => ({ ipBlock: { cidr } }));
  const redisPeer = acl
    ? allowFromNamespace(zoneNs, { ...REDIS_LABELS, [LABEL.zone]: tenant.zone.name })
    : { podSelector: { matchLabels: { ...REDIS_LABELS } } };
  const internet = publicInternet(tenant.zone.deniedEgressCidrs);
  out.push(
    policy(tenant, NETWORK_POLICY.n8nToData, {
      egress: [
        { ports: [TCP(DATA.dbPort)], to: databasePeers },
        { ports: [TCP(DATA.redisPort)], to: [redisPeer] },
      ],
      podSelector: n8nPods,
      policyTypes: ["Egress"],
    }),
    policy(tenant, NETWORK_POLICY.n8nToInternet, {
      // No public range left (both families denied): no rule at all, since `to: []` would mean everywhere.
      egress: internet.length === 0 ? [] : [{ to: internet }],
      podSelector: {
        matchExpressions: [{ key: LABEL.component, operator: "In", values: ["main", "worker"] }],
        matchLabels: { [LABEL.name]: N8N.app },
      },
      policyTypes: ["Egress"],
    }),
  );

  if (isolation === "cluster") {
    out.push(
      databasePolicy(model, tenant.zone, tenantMeta(tenant, NETWORK_POLICY.database), DATA.dbCluster, [
        { podSelector: n8nPods },
      ]),
    );
  }
  if (!acl) {
    out.push(
      policy(tenant, NETWORK_POLICY.redis, {
        ingress: [
          {
            from: [{ podSelector: n8nPods }, allowFromNamespace(ADDON_NAMESPACE.keda)],
            ports: [TCP(DATA.redisPort)],
          },
        ],
        podSelector: { matchLabels: { ...REDIS_LABELS } },
        policyTypes: ["Ingress"],
      }),
    );
  }
  return out;
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
        { ports: [TCP(DATA.dbPort)], to: [self] },
        {
          ports: [TCP(443)],
          to: [{ ipBlock: { cidr: model.cluster.vpcCidr } }, ...publicInternet(zone.deniedEgressCidrs)],
        },
      ],
      ingress: [
        { from: [...clients, self], ports: [TCP(DATA.dbPort)] },
        {
          from: [allowFromNamespace(ADDON_NAMESPACE.cnpg, { [LABEL.name]: "cloudnative-pg" })],
          ports: [TCP(8000), TCP(DATA.dbPort)],
        },
        { from: [allowFromNamespace(ADDON_NAMESPACE.monitoring)], ports: [TCP(9187)] },
      ],
      podSelector: self.podSelector,
      policyTypes: ["Ingress", "Egress"],
    },
  };
}
