/**
 * A zone's shared Redis (isolation `acl`): one server in the zone's data namespace, no default
 * user, one ACL user per tenant confined to its key prefix and channels, and a policy that
 * admits the product pods of those tenants and KEDA only.
 */
/**
 * A zone's shared data services, for the tenants that chose the weaker isolation:
 * - `database`: one CloudNativePG cluster per zone; each tenant a role and a database it owns,
 *   and pg_hba lets a role connect to its same-named database only (`sameuser`), over TLS;
 * - `acl`: one Redis per zone; each tenant an ACL user confined to its key prefix and channels.
 * They live in `zone-<zone>-data`, reachable only from the n8n pods of the tenants they serve.
 * The role secrets and the ACL file come from AWS Secrets Manager (the same entries as the
 * tenants' own), or, with generated secrets, are written by `apply`.
 */
import {
  ADDON_NAMESPACE,
  DATA,
  LABEL,
  NETWORK_POLICY,
  NODE_POOL,
  REDIS_LABELS,
  ZONE_REDIS_ACL_SECRET,
  zoneSecretStore,
  PORT,
  secretPath,
  SECRET_ITEM,
} from "../../../model/names.js";
import { redisAclLine } from "../../../model/redis-acl.js";
import { poolPlacement } from "../../../model/scheduling.js";
import type { Model, TenantModel, ZoneModel } from "../../../model/resolve.js";
import { redisAclUser } from "../../../model/secrets.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { managedLabels } from "../../../manifest/metadata.js";
import {
  emptyDir,
  placementFields,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
} from "../../../manifest/pod.js";
import { allowFromNamespace, clientPods } from "../stack-network.js";
import { redisCommand } from "./redis.js";

import type { ZoneMeta } from "./zone-database.js";

export function sharedRedis(
  model: Model,
  zone: ZoneModel,
  tenants: readonly TenantModel[],
  meta: ZoneMeta,
): KubernetesObject[] {
  const labels = { ...REDIS_LABELS, [LABEL.zone]: zone.name };
  // With generated secrets, `apply` writes the ACL file from the tenants' Redis passwords.
  return [
    ...(model.secretProvider === "external-secrets" ? [aclSecret(zone, tenants, meta)] : []),
    redisDeployment(zone, labels, meta),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(DATA.sharedRedis, { labels }),
      spec: {
        ports: [{ name: "redis", port: PORT.redis, protocol: "TCP", targetPort: "redis" }],
        selector: labels,
      },
    },
    redisPolicy(tenants, labels, meta),
  ];
}

/** The ACL file, templated by External Secrets from the tenants' passwords: only their SHA-256 hashes reach it. */
function aclSecret(zone: ZoneModel, tenants: readonly TenantModel[], meta: ZoneMeta): KubernetesObject {
  const key = (t: TenantModel) => `password-${t.name}`;
  const aclFile = [
    "user default off",
    // Only SHA-256 hashes of the passwords reach the ACL file.
    ...tenants.map((t) =>
      redisAclLine(redisAclUser(t), t.redisPrefix, `#{{ index . "${key(t)}" | sha256sum }}`),
    ),
  ].join("\n");
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: meta(ZONE_REDIS_ACL_SECRET),
    spec: {
      data: tenants.map((t) => ({
        remoteRef: { key: secretPath(zone.name, t.name, SECRET_ITEM.redis), property: "password" },
        secretKey: key(t),
      })),
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: zoneSecretStore(zone.platform, zone.name) },
      target: {
        creationPolicy: "Owner",
        deletionPolicy: "Retain",
        name: ZONE_REDIS_ACL_SECRET,
        template: { data: { "users.acl": `${aclFile}\n` }, engineVersion: "v2", mergePolicy: "Replace" },
      },
    },
  };
}

function redisDeployment(zone: ZoneModel, labels: Record<string, string>, meta: ZoneMeta): KubernetesObject {
  const probe = { periodSeconds: 10, tcpSocket: { port: "redis" }, timeoutSeconds: 3 };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(DATA.sharedRedis, { labels }),
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      strategy: { type: "Recreate" },
      template: {
        metadata: { labels: { ...labels, ...managedLabels(zone.platform) } },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              command: redisCommand("printf 'aclfile /etc/redis/users.acl\\n'"),
              image: PINNED.redisImage,
              livenessProbe: probe,
              name: "redis",
              ports: [{ containerPort: PORT.redis, name: "redis", protocol: "TCP" }],
              readinessProbe: probe,
              resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "100m", memory: "256Mi" } },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              volumeMounts: [
                { mountPath: "/data", name: "data" },
                { mountPath: "/etc/redis", name: "acl", readOnly: true },
              ],
            },
          ],
          enableServiceLinks: false,
          ...placementFields(
            poolPlacement(zone.dedicatedNodes ? NODE_POOL.zone(zone.name) : NODE_POOL.general),
          ),
          securityContext: restrictedPodSecurity(999),
          volumes: [emptyDir("data", "1Gi"), { name: "acl", secret: { secretName: ZONE_REDIS_ACL_SECRET } }],
        },
      },
    },
  };
}

/** The product pods of the zone's ACL tenants, and KEDA (queue length), on the Redis port only. */
function redisPolicy(
  tenants: readonly TenantModel[],
  labels: Record<string, string>,
  meta: ZoneMeta,
): KubernetesObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(NETWORK_POLICY.redis),
    spec: {
      ingress: [
        {
          from: [
            ...tenants.map((t) => ({
              ...allowFromNamespace(t.namespace),
              podSelector: clientPods(t, "redis"),
            })),
            allowFromNamespace(ADDON_NAMESPACE.keda),
          ],
          ports: [{ port: PORT.redis, protocol: "TCP" }],
        },
      ],
      podSelector: { matchLabels: labels },
      policyTypes: ["Ingress"],
    },
  };
}
