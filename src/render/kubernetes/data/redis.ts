/**
 * The tenant's own Redis (isolation `instance`): password required, no persistence (the
 * queue is transient; executions live in PostgreSQL), `noeviction` as Bull requires.
 * The password is fed on stdin so that it never shows in the process's arguments.
 */
import { DATA, LABEL, PORT, REDIS_LABELS } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import { placement } from "../../../model/scheduling.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantLabels, tenantMeta } from "../../../manifest/metadata.js";
import {
  containerResources,
  emptyDir,
  placementFields,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
} from "../../../manifest/pod.js";

const REDIS_UID = 999;

/** redis-server reading its config from stdin; shared by the tenant and zone Redis. */
export function redisCommand(config: string): string[] {
  return [
    "sh",
    "-c",
    `${config} | exec redis-server - --port ${PORT.redis} --save '' --appendonly no --maxmemory-policy noeviction --dir /data`,
  ];
}

export function renderRedis(tenant: TenantModel): KubernetesObject[] {
  const selector = { ...REDIS_LABELS, [LABEL.tenant]: tenant.name };
  const probe = { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 10, timeoutSeconds: 3 };
  const deployment: KubernetesObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: tenantMeta(tenant, DATA.redis, { labels: { ...REDIS_LABELS } }),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      strategy: { type: "Recreate" },
      template: {
        metadata: { labels: { ...tenantLabels(tenant), ...REDIS_LABELS } },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              command: redisCommand(`printf 'requirepass %s\\n' "$REDIS_PASSWORD"`),
              env: [
                {
                  name: "REDIS_PASSWORD",
                  valueFrom: { secretKeyRef: { key: "password", name: tenant.data.redisSecret } },
                },
                {
                  name: "REDISCLI_AUTH",
                  valueFrom: { secretKeyRef: { key: "password", name: tenant.data.redisSecret } },
                },
              ],
              image: PINNED.redisImage,
              livenessProbe: probe,
              name: "redis",
              ports: [{ containerPort: PORT.redis, name: "redis", protocol: "TCP" }],
              readinessProbe: probe,
              resources: containerResources(tenant.settings.redis.resources),
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              volumeMounts: [{ mountPath: "/data", name: "data" }],
            },
          ],
          enableServiceLinks: false,
          securityContext: restrictedPodSecurity(REDIS_UID),
          volumes: [emptyDir("data", "256Mi")],
          ...placementFields(placement(tenant, "redis")),
        },
      },
    },
  };
  const service: KubernetesObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: tenantMeta(tenant, DATA.redis, { labels: { ...REDIS_LABELS } }),
    spec: {
      ports: [{ name: "redis", port: PORT.redis, protocol: "TCP", targetPort: "redis" }],
      selector,
      type: "ClusterIP",
    },
  };
  return [deployment, service];
}
