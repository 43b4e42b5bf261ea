/**
 * The allowances of a tenant's stack on top of its default deny, each a named policy, in the
 * product contract's terms (src/products/contract.ts):
 * - the load balancer (or ingress controller) reaches the product's public workloads on http;
 * - Prometheus scrapes its metrics workloads on http (the database's exporter has its own policy);
 * - the pods of each workload reach the data services it declares (n8n: all of them reach
 *   PostgreSQL and Redis), on their ports only, and the components it declares, on theirs;
 * - the workloads that may reach the public internet do, never private ranges (other tenants,
 *   the VPC, instance metadata) nor the zone's denied networks (customer data for an internal zone);
 * - the tenant's database accepts the product's pods, its replicas and the CloudNativePG operator;
 *   it reaches the API server (VPC) and S3 for backups;
 * - the tenant's Redis accepts the product's pods and KEDA (queue length);
 * - the tenant's RabbitMQ accepts its clients on AMQP, KEDA and the topology operator on the
 *   management API, Prometheus on its metrics port.
 */
import {
  ADDON_NAMESPACE,
  CNPG_CLUSTER_LABEL,
  componentPolicyNames,
  DATA,
  LABEL,
  NETWORK_POLICY,
  PORT,
  productPolicyNames,
  RABBITMQ_LABELS,
  REDIS_LABELS,
  zoneDataNamespace,
} from "../../model/names.js";
import { ownsServer } from "../../model/data-services.js";
import type { Model, TenantModel, ZoneModel } from "../../model/resolve.js";
import type { DataServiceKind, WorkloadDeclaration } from "../../products/contract/declaration.js";
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
    ...toDataPolicies(model, tenant),
    ...componentEdges(tenant),
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
  if (ownsServer(tenant.settings, services, "database")) {
    out.push(
      databasePolicy(
        model,
        tenant.zone,
        tenantMeta(tenant, NETWORK_POLICY.database),
        tenant.data.databaseCluster,
        [{ podSelector: clientPods(tenant, "database") }],
      ),
    );
  }
  if (ownsServer(tenant.settings, services, "redis")) {
    out.push(
      policy(tenant, NETWORK_POLICY.redis, {
        ingress: [
          {
            from: [{ podSelector: clientPods(tenant, "redis") }, allowFromNamespace(ADDON_NAMESPACE.keda)],
            ports: [TCP(PORT.redis)],
          },
        ],
        podSelector: { matchLabels: { ...REDIS_LABELS } },
        policyTypes: ["Ingress"],
      }),
    );
  }
  if (ownsServer(tenant.settings, services, "rabbitmq")) {
    out.push(
      rabbitmqPolicy(
        model,
        tenant.zone,
        tenantMeta(tenant, NETWORK_POLICY.rabbitmq),
        tenant.data.rabbitmqCluster,
        [{ podSelector: clientPods(tenant, "rabbitmq") }],
      ),
    );
  }
  return out;
}

/**
 * The pods of the tenant's workloads that talk to a data service: every pod of the product
 * when all of them do (n8n), else those components by name.
 */
export function clientPods(tenant: TenantModel, kind: DataServiceKind): Record<string, unknown> {
  const workloads = tenant.product.workloads;
  if (workloads.every((w) => w.talksTo.dataServices.includes(kind))) return appPods(tenant);
  return workloadPods(tenant, (w) => w.talksTo.dataServices.includes(kind));
}

/**
 * Egress to the data services, one policy per set of services that workloads share: every pod
 * of the product when all talk to the same ones (n8n: one policy), else one per component, so
 * that a web component that declares none reaches none.
 */
function toDataPolicies(model: Model, tenant: TenantModel): KubernetesObject[] {
  const workloads = tenant.product.workloads.filter((w) => w.talksTo.dataServices.length > 0);
  if (workloads.length === 0) return [];
  const all = tenant.product.workloads;
  const same = (w: WorkloadDeclaration) =>
    w.talksTo.dataServices.join() === all[0]?.talksTo.dataServices.join();
  if (workloads.length === all.length && all.every(same)) {
    const names = productPolicyNames(tenant.product.name);
    return [toDataPolicy(model, tenant, names.toData, appPods(tenant), all[0]?.talksTo.dataServices ?? [])];
  }
  return workloads.map((w) =>
    toDataPolicy(
      model,
      tenant,
      componentPolicyNames(tenant.product.name, w.component).toData,
      workloadPods(tenant, (x) => x === w),
      w.talksTo.dataServices,
    ),
  );
}

/**
 * The declared edges between a product's own components: each callee admits its callers on
 * its port, each caller may reach its callees on theirs. Nothing else crosses components.
 */
function componentEdges(tenant: TenantModel): KubernetesObject[] {
  const workloads = tenant.product.workloads;
  const byName = new Map(workloads.map((w) => [w.component, w]));
  const out: KubernetesObject[] = [];
  for (const callee of workloads) {
    const callers = workloads.filter((w) => w.talksTo.workloads.includes(callee.component));
    if (callers.length === 0 || callee.port === undefined) continue;
    out.push(
      policy(tenant, componentPolicyNames(tenant.product.name, callee.component).callers, {
        ingress: [
          {
            from: [{ podSelector: workloadPods(tenant, (w) => callers.includes(w)) }],
            ports: [TCP(callee.port)],
          },
        ],
        podSelector: workloadPods(tenant, (w) => w === callee),
        policyTypes: ["Ingress"],
      }),
    );
  }
  for (const caller of workloads) {
    const callees = caller.talksTo.workloads.flatMap((name) => {
      const callee = byName.get(name);
      return callee?.port === undefined ? [] : [callee];
    });
    if (callees.length === 0) continue;
    out.push(
      policy(tenant, componentPolicyNames(tenant.product.name, caller.component).callees, {
        egress: callees.map((callee) => ({
          ports: [TCP(callee.port as number)],
          to: [{ podSelector: workloadPods(tenant, (w) => w === callee) }],
        })),
        podSelector: workloadPods(tenant, (w) => w === caller),
        policyTypes: ["Egress"],
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

/** Some pods of the product to the tenant's data services, wherever the isolation puts them. */
function toDataPolicy(
  model: Model,
  tenant: TenantModel,
  name: string,
  pods: Record<string, unknown>,
  services: readonly DataServiceKind[],
): KubernetesObject {
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
  const rabbitmqPeer =
    tenant.settings.rabbitmq.isolation === "vhost"
      ? allowFromNamespace(zoneNs, rabbitmqPodLabels(DATA.sharedRabbitmq))
      : { podSelector: { matchLabels: rabbitmqPodLabels(tenant.data.rabbitmqCluster) } };
  return policy(tenant, name, {
    egress: [
      ...(services.includes("database") ? [{ ports: [TCP(PORT.postgres)], to: databasePeers }] : []),
      ...(services.includes("redis") ? [{ ports: [TCP(PORT.redis)], to: [redisPeer] }] : []),
      ...(services.includes("rabbitmq") ? [{ ports: [TCP(PORT.amqp)], to: [rabbitmqPeer] }] : []),
    ],
    podSelector: pods,
    policyTypes: ["Egress"],
  });
}

/** The pods of a RabbitmqCluster as its operator labels them. */
export function rabbitmqPodLabels(cluster: string): Record<string, string> {
  return { [LABEL.name]: cluster, ...RABBITMQ_LABELS };
}

/**
 * A RabbitmqCluster's network: clients on AMQP; KEDA (queue lengths) and the messaging
 * topology operator (vhosts, users) on the management API; Prometheus on the metrics port;
 * its own nodes among themselves (Erlang distribution). Out: its own nodes, and the API
 * server (in the VPC) for peer discovery.
 */
export function rabbitmqPolicy(
  model: Model,
  _zone: ZoneModel,
  metadata: ObjectMeta,
  cluster: string,
  clients: readonly Record<string, unknown>[],
): KubernetesObject {
  const self = { podSelector: { matchLabels: rabbitmqPodLabels(cluster) } };
  const clustering = [TCP(PORT.epmd), TCP(PORT.rabbitmqClustering)];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      egress: [
        { ports: clustering, to: [self] },
        { ports: [TCP(443)], to: [{ ipBlock: { cidr: model.cluster.vpcCidr } }] },
      ],
      ingress: [
        { from: [...clients, self], ports: [TCP(PORT.amqp)] },
        { from: [self], ports: clustering },
        {
          from: [
            allowFromNamespace(ADDON_NAMESPACE.keda),
            allowFromNamespace(ADDON_NAMESPACE.rabbitmq, { [LABEL.name]: "messaging-topology-operator" }),
          ],
          ports: [TCP(PORT.rabbitmqManagement)],
        },
        { from: [allowFromNamespace(ADDON_NAMESPACE.monitoring)], ports: [TCP(PORT.rabbitmqMetrics)] },
      ],
      podSelector: self.podSelector,
      policyTypes: ["Ingress", "Egress"],
    },
  };
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
