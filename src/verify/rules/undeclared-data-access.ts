import { CNPG_CLUSTER_LABEL, LABEL, RABBITMQ_LABELS, REDIS_LABELS } from "../../model/names.js";
import type { DataServiceKind } from "../../products/contract/declaration.js";
import { findingOf, type VerifyRule } from "../finding.js";
import type { Endpoint } from "../network/endpoints.js";
import { explainConnection, objectsOfConnection } from "../network/explain.js";

/**
 * A component reaches only the data services it declares (`talksTo`): a product's web front
 * end that declares none must not reach its tenant's PostgreSQL, even though the database
 * belongs to the same tenant. Judged on the flows both sides admit, against the spec.
 */
export const undeclaredDataAccess: VerifyRule = {
  id: "undeclared-data-access",
  severity: "error",
  title: "A component reaches a data service it does not declare",
  description:
    "Each workload of a tenant's product may connect only to the data services (PostgreSQL, Redis, RabbitMQ) its declaration names (talksTo for a service product; n8n's processes: PostgreSQL and Redis). A connection both policies admit to any other is reported.",
  check(ctx) {
    const tenants = new Map(ctx.input.model.tenants.map((t) => [t.name, t]));
    return ctx.flows.flatMap((c) => {
      if (
        c.source.role !== "app" ||
        (c.destination.role !== "data-service" && c.destination.role !== "queue")
      )
        return [];
      const tenant = tenants.get(c.source.tenant ?? "");
      const kind = serviceKind(c.destination);
      if (tenant === undefined || kind === undefined) return [];
      const component = c.source.labels[LABEL.component];
      const declared = tenant.product.workloads.find((w) => w.component === component);
      if (declared?.talksTo.dataServices.includes(kind)) return [];
      return [
        findingOf(this, {
          message: `${c.source.id} (tenant ${tenant.name}, component ${component ?? "(none)"}) can connect to ${c.destination.id}, a ${KIND_TEXT[kind]} it does not declare: ${c.connections.toString()}`,
          objects: objectsOfConnection(c),
          path: explainConnection(c),
          fix: `narrow the data policies to the components that talk to ${KIND_TEXT[kind]} (tenantctl renders allow-<product>-<component>-to-data), or add it to the component's talksTo`,
          tenant: tenant.name,
        }),
      ];
    });
  },
};

const KIND_TEXT: Record<DataServiceKind, string> = {
  database: "PostgreSQL",
  redis: "Redis",
  rabbitmq: "RabbitMQ",
};

function serviceKind(e: Endpoint): DataServiceKind | undefined {
  if (e.labels[CNPG_CLUSTER_LABEL] !== undefined) return "database";
  if (
    e.labels[LABEL.name] === REDIS_LABELS[LABEL.name] &&
    e.labels[LABEL.component] === REDIS_LABELS[LABEL.component]
  )
    return "redis";
  if (
    e.labels[LABEL.partOf] === RABBITMQ_LABELS[LABEL.partOf] &&
    e.labels[LABEL.component] === RABBITMQ_LABELS[LABEL.component]
  )
    return "rabbitmq";
  return undefined;
}
