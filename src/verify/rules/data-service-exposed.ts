import { CNPG_CLUSTER_LABEL, LABEL, PORT, RABBITMQ_LABELS } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { describeAllowance, endpointRef, openSide } from "../network/explain.js";
import { type Endpoint, PLATFORM_COMPONENT } from "../network/endpoints.js";
import { ConnectionSet, resolvePorts } from "../network/ports.js";
import { summarize } from "./scope.js";

/** The database exporter's port: Prometheus may scrape it, nothing else of the server. */
const METRICS = ConnectionSet.of("TCP", PORT.postgresMetrics, PORT.postgresMetrics);
const REDIS = ConnectionSet.of("TCP", PORT.redis, PORT.redis);
const RABBITMQ_MANAGEMENT = ConnectionSet.of("TCP", PORT.rabbitmqManagement, PORT.rabbitmqManagement);
const RABBITMQ_METRICS = ConnectionSet.of("TCP", PORT.rabbitmqMetrics, PORT.rabbitmqMetrics);

/**
 * A tenant's PostgreSQL and Redis accept its own product's pods (n8n's, for an n8n tenant) only. Judged on the ingress side
 * alone (what the server admits, whatever the clients' egress says), so one wrong policy
 * on a client cannot open the data. Admitted besides: the database's own instances
 * (replication), the CloudNativePG operator, Prometheus on the metrics port, and KEDA on
 * the Redis port (it reads the queue length to scale workers). A zone's shared servers
 * accept the product pods of the zone's tenants.
 */
export const dataServiceExposed: VerifyRule = {
  id: "data-service-exposed",
  severity: "error",
  title: "Database, Redis or RabbitMQ accepts clients other than its tenant's product pods",
  description:
    "A tenant's PostgreSQL and Redis may accept only that tenant's product pods (its n8n, for an n8n tenant; for PostgreSQL also its own instances and the CloudNativePG operator; Prometheus on the exporter port, KEDA on the Redis port; for RabbitMQ its own nodes, Prometheus on its metrics port, KEDA and the messaging topology operator on its management API). A zone's shared servers may accept only the product pods of the zone's tenants.",
  check(ctx) {
    const out: Finding[] = [];
    for (const server of ctx.scopedEndpoints) {
      if (server.role !== "data-service" && server.role !== "queue") continue;
      const where = server.tenant === undefined ? `zone ${server.zone}` : `tenant ${server.tenant}`;
      const policies = ctx.reachability.policiesOf(server, "ingress");
      if (policies.length === 0) {
        out.push(
          findingOf(this, {
            message: `${server.id} (${where}) is selected by no ingress policy: it accepts connections from every pod and address`,
            objects: [endpointRef(server)],
            path: [openSide(server, "ingress")],
            fix: "keep the namespace's default deny and allow only the tenant's product pods (tenantctl renders allow-database / allow-redis)",
            tenant: server.tenant,
          }),
        );
        continue;
      }
      for (const policy of policies) {
        for (const rule of policy.ingress ?? []) {
          const admits = resolvePorts(rule.ports, server.ports);
          if (admits.isEmpty()) continue;
          const strangers: string[] = [];
          if (rule.peers === undefined) strangers.push("every pod and address (the rule has no 'from')");
          for (const peer of rule.peers ?? []) {
            if (peer.kind === "addresses") {
              strangers.push(`addresses ${peer.text}`);
              continue;
            }
            for (const client of ctx.reachability.peerEndpoints(policy.namespace, peer)) {
              if (!admitted(server, client, admits)) strangers.push(client.id);
            }
          }
          if (strangers.length === 0) continue;
          out.push(
            findingOf(this, {
              message: `${server.id} (${where}) accepts ${summarize(strangers)} on ${admits.toString()}`,
              objects: [endpointRef(server), refOf(policy.source)],
              path: [
                `ingress of ${server.id}: ${describeAllowance({ policy, direction: "ingress", rule: rule.index, peer: undefined, connections: admits })}`,
              ],
              fix: `narrow spec.ingress[${rule.index}] of ${policy.namespace}/${policy.name} to the product pods of ${where} (podSelector app.kubernetes.io/name=<product>, no namespaceSelector)`,
              tenant: server.tenant,
            }),
          );
        }
      }
    }
    return out;
  },
};

function isRabbitmq(endpoint: Endpoint): boolean {
  return (
    endpoint.labels[LABEL.partOf] === RABBITMQ_LABELS[LABEL.partOf] &&
    endpoint.labels[LABEL.component] === RABBITMQ_LABELS[LABEL.component]
  );
}

function admitted(server: Endpoint, client: Endpoint, ports: ConnectionSet): boolean {
  if (client === server) return true;
  if (client.role === "app") {
    return server.tenant === undefined
      ? client.zone === server.zone && client.tenant !== undefined
      : client.tenant === server.tenant && client.namespace === server.namespace;
  }
  const within = (allowed: ConnectionSet) => ports.within(allowed);
  const platform = (name: string) => client.name === name && client.source === undefined;
  if (isRabbitmq(server)) {
    // Its own nodes (same cluster), Prometheus on metrics, KEDA and the topology operator on the management API.
    if (
      client.namespace === server.namespace &&
      client.labels[LABEL.name] === server.labels[LABEL.name] &&
      isRabbitmq(client)
    )
      return true;
    if (platform(PLATFORM_COMPONENT.prometheus)) return within(RABBITMQ_METRICS);
    return (
      (platform(PLATFORM_COMPONENT.keda) || platform(PLATFORM_COMPONENT.rabbitmqTopologyOperator)) &&
      within(RABBITMQ_MANAGEMENT)
    );
  }
  if (client.name === PLATFORM_COMPONENT.prometheus && client.source === undefined) return within(METRICS);
  if (server.role === "data-service") {
    if (client.name === PLATFORM_COMPONENT.cnpgOperator && client.source === undefined) return true;
    return (
      client.namespace === server.namespace &&
      client.labels[CNPG_CLUSTER_LABEL] === server.labels[CNPG_CLUSTER_LABEL]
    );
  }
  return client.name === PLATFORM_COMPONENT.keda && client.source === undefined && within(REDIS);
}
