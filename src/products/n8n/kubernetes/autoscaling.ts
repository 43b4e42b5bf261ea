/**
 * Workers scale on queue depth: KEDA reads the length of the tenant's Bull wait list
 * (`<prefix>:jobs:wait`) and adds a worker per `targetQueueLength` waiting jobs; with
 * `min: 0` the worker deployment scales to zero when the queue is empty.
 * Webhook processors scale on CPU with a plain HPA.
 */
import { N8N } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantMeta } from "../../../manifest/metadata.js";
import { kubernetesConnections } from "../../../model/connections.js";

export function bullWaitList(prefix: string): string {
  return `${prefix}:jobs:wait`;
}

export function renderWorkerScaledObject(tenant: TenantModel): KubernetesObject {
  const workers = tenant.settings.n8n.workers;
  const redis = kubernetesConnections(tenant).redis;
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: tenantMeta(tenant, N8N.roles.worker),
    spec: {
      cooldownPeriod: 300,
      maxReplicaCount: workers.max,
      minReplicaCount: workers.min,
      pollingInterval: 15,
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: N8N.roles.worker },
      triggers: [
        {
          authenticationRef: { name: N8N.workerTriggerAuth },
          metadata: {
            activationListLength: "0",
            address: `${redis.host}:${redis.port}`,
            listLength: String(workers.targetQueueLength),
            listName: bullWaitList(tenant.redisPrefix),
          },
          type: "redis",
        },
      ],
    },
  };
}

export function renderWorkerTriggerAuthentication(tenant: TenantModel): KubernetesObject {
  const acl = tenant.settings.redis.isolation === "acl";
  const ref = (parameter: string, key: string) => ({ key, name: tenant.data.redisSecret, parameter });
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "TriggerAuthentication",
    metadata: tenantMeta(tenant, N8N.workerTriggerAuth),
    spec: {
      secretTargetRef: acl
        ? [ref("username", "username"), ref("password", "password")]
        : [ref("password", "password")],
    },
  };
}

export function renderWebhookAutoscaler(tenant: TenantModel): KubernetesObject {
  const webhook = tenant.settings.n8n.webhook;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: tenantMeta(tenant, N8N.roles.webhook),
    spec: {
      maxReplicas: webhook.max,
      metrics: [
        {
          resource: { name: "cpu", target: { averageUtilization: 70, type: "Utilization" } },
          type: "Resource",
        },
      ],
      minReplicas: webhook.min,
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: N8N.roles.webhook },
    },
  };
}
