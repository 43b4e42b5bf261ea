/**
 * A component scales with KEDA on what its spec names: CPU and memory utilisation of its
 * requests, the length of a RabbitMQ queue (ready and unacknowledged messages: KEDA's
 * management-API mode counts both, so work in progress keeps its workers), or a Prometheus
 * query. Scale-down waits `scaleDownStabilizationSeconds` (the HPA's own 300 s otherwise).
 */
import { componentWorkload, dnsLabel } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import { kubernetesConnections } from "../../../model/connections.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantMeta } from "../../../manifest/metadata.js";
import type { WorkloadDeclaration } from "../../contract/declaration.js";
import { componentLabels, componentSpec } from "./workloads.js";
import { PROMETHEUS_SERVER } from "../../../model/names.js";

/** The TriggerAuthentication of a tenant's RabbitMQ triggers: the user its components connect as. */
export function rabbitmqTriggerAuthentication(product: string): string {
  return dnsLabel(product, "rabbitmq-trigger");
}

export function renderComponentScaledObject(
  tenant: TenantModel,
  w: WorkloadDeclaration,
): KubernetesObject | undefined {
  const a = componentSpec(tenant, w.component).autoscaling;
  if (a === undefined) return undefined;
  const triggers: Record<string, unknown>[] = [];
  for (const resource of ["cpu", "memory"] as const) {
    const target = a[resource];
    if (target !== undefined)
      triggers.push({ metadata: { value: String(target) }, metricType: "Utilization", type: resource });
  }
  const rabbitmq = kubernetesConnections(tenant).rabbitmq;
  if (a.rabbitmq !== undefined && rabbitmq !== undefined) {
    triggers.push({
      authenticationRef: { name: rabbitmqTriggerAuthentication(tenant.product.name) },
      metadata: {
        host: `http://${rabbitmq.host}:${rabbitmq.managementPort}`,
        mode: "QueueLength",
        protocol: "http",
        queueName: a.rabbitmq.queue,
        value: String(a.rabbitmq.messagesPerReplica),
        vhostName: rabbitmq.vhost,
      },
      type: "rabbitmq",
    });
  }
  if (a.prometheus !== undefined) {
    triggers.push({
      metadata: {
        query: a.prometheus.query,
        serverAddress: PROMETHEUS_SERVER,
        threshold: String(a.prometheus.threshold),
      },
      type: "prometheus",
    });
  }
  const name = componentWorkload(tenant.product.name, w.component);
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: tenantMeta(tenant, name, { labels: componentLabels(tenant, w.component) }),
    spec: {
      ...(a.scaleDownStabilizationSeconds === undefined
        ? {}
        : {
            advanced: {
              horizontalPodAutoscalerConfig: {
                behavior: { scaleDown: { stabilizationWindowSeconds: a.scaleDownStabilizationSeconds } },
              },
            },
          }),
      maxReplicaCount: w.max,
      minReplicaCount: w.min,
      pollingInterval: 15,
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      triggers,
    },
  };
}

/** KEDA reads the queue as the tenant's own RabbitMQ user (from its secret; never a value in Git). */
export function renderRabbitmqTriggerAuthentication(tenant: TenantModel): KubernetesObject | undefined {
  const rabbitmq = kubernetesConnections(tenant).rabbitmq;
  const scales = tenant.product.workloads.some(
    (w) => componentSpec(tenant, w.component).autoscaling?.rabbitmq,
  );
  if (rabbitmq === undefined || !scales) return undefined;
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "TriggerAuthentication",
    metadata: tenantMeta(tenant, rabbitmqTriggerAuthentication(tenant.product.name)),
    spec: {
      secretTargetRef: [
        { key: rabbitmq.username.key, name: rabbitmq.username.secret, parameter: "username" },
        { key: rabbitmq.password.key, name: rabbitmq.password.secret, parameter: "password" },
      ],
    },
  };
}
