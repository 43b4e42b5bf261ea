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
  KEEP_DATA_ANNOTATIONS,
  LABEL,
  NETWORK_POLICY,
  NODE_POOL,
  REDIS_LABELS,
  ZONE_REDIS_ACL_SECRET,
  zoneDatabaseObject,
  zoneDataNamespace,
  zoneRoleSecret,
  zoneSecretStore,
  PORT,
  secretPath,
  SECRET_ITEM,
} from "../../../model/names.js";
import { redisAclLine } from "../../../model/redis-acl.js";
import { poolPlacement } from "../../../model/scheduling.js";
import type { Model, TenantModel, ZoneModel } from "../../../model/resolve.js";
import { databaseName, databaseRole, redisAclUser } from "../../../model/secrets.js";
import { bytes, formatBytes } from "../../../input/quantity.js";
import { PINNED } from "../../../versions.js";
import { inWave, WAVE, type Wave } from "../../../manifest/waves.js";
import { restrictedNamespace } from "../namespace.js";
import { renderAllowDns, renderDefaultDeny } from "../network-policy.js";
import type { KubernetesObject, ObjectMeta } from "../../../manifest/object.js";
import { managedLabels, zoneMeta } from "../../../manifest/metadata.js";
import {
  emptyDir,
  placementFields,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
} from "../../../manifest/pod.js";
import { allowFromNamespace, appPods, databasePolicy } from "../stack-network.js";
import { redisCommand } from "./redis.js";

export function renderZoneData(model: Model, zone: ZoneModel): KubernetesObject[] {
  const tenants = model.tenants.filter((t) => t.zone.name === zone.name);
  const dbTenants = tenants.filter((t) => t.settings.database.isolation === "database");
  const aclTenants = tenants.filter((t) => t.settings.redis.isolation === "acl");
  if (dbTenants.length === 0 && aclTenants.length === 0) return [];
  const ns = zoneDataNamespace(zone.name);
  const meta = (name: string, extra: Parameters<typeof zoneMeta>[3] = {}): ObjectMeta =>
    zoneMeta(zone, ns, name, extra);
  const out: KubernetesObject[] = [
    restrictedNamespace(model, ns, zoneMeta(zone, undefined, ns).labels ?? {}),
    renderDefaultDeny((name) => meta(name)),
    renderAllowDns((name) => meta(name)),
  ];
  if (dbTenants.length > 0) out.push(...sharedDatabase(model, zone, dbTenants, meta));
  if (aclTenants.length > 0) out.push(...sharedRedis(model, zone, aclTenants, meta));
  return out.map((o) => inWave(zoneWave(o.kind), [o])[0] as KubernetesObject);
}

function zoneWave(kind: string): Wave {
  if (kind === "Namespace") return WAVE.namespace;
  if (kind === "NetworkPolicy") return WAVE.isolation;
  if (kind === "ExternalSecret") return WAVE.secrets;
  return WAVE.data;
}

type Meta = (name: string, extra?: Parameters<typeof zoneMeta>[3]) => ObjectMeta;

function sharedDatabase(
  model: Model,
  zone: ZoneModel,
  tenants: readonly TenantModel[],
  meta: Meta,
): KubernetesObject[] {
  const storage = Math.max(
    bytes("10Gi"),
    tenants.reduce((sum, t) => sum + bytes(t.settings.database.storage), 0),
  );
  const cluster: KubernetesObject = {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: meta(DATA.sharedDbCluster, { annotations: { ...KEEP_DATA_ANNOTATIONS } }),
    spec: {
      affinity: {
        ...poolPlacement(NODE_POOL.database),
        enablePodAntiAffinity: true,
        podAntiAffinityType: "required",
        topologyKey: "kubernetes.io/hostname",
      },
      backup: {
        barmanObjectStore: {
          data: { compression: "gzip" },
          destinationPath: `s3://${model.backups.bucket}/${zone.name}/_shared/`,
          s3Credentials: { inheritFromIAMRole: true },
          wal: { compression: "gzip" },
        },
        retentionPolicy: model.backups.retention,
      },
      enableSuperuserAccess: false,
      imageName: PINNED.postgresImage,
      inheritedMetadata: { labels: { [LABEL.zone]: zone.name } },
      instances: 2,
      managed: {
        roles: tenants.map((t) => ({
          connectionLimit: 50,
          ensure: "present",
          inherit: true,
          login: true,
          name: databaseRole(t),
          passwordSecret: { name: zoneRoleSecret(t.name) },
        })),
      },
      postgresql: {
        parameters: { log_connections: "on", password_encryption: "scram-sha-256" },
        // A tenant's role is named like its database: `sameuser` admits it there and nowhere else.
        pg_hba: ["hostssl sameuser all all scram-sha-256", "host all all all reject"],
      },
      storage: { size: formatBytes(storage) },
    },
  };
  const databases = tenants.map(
    (t): KubernetesObject => ({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Database",
      metadata: meta(zoneDatabaseObject(t.product.name, t.name), {
        annotations: { ...KEEP_DATA_ANNOTATIONS },
        labels: { [LABEL.tenant]: t.name },
      }),
      spec: {
        cluster: { name: DATA.sharedDbCluster },
        databaseReclaimPolicy: "retain",
        ensure: "present",
        name: databaseName(t),
        owner: databaseRole(t),
      },
    }),
  );
  const secrets =
    model.secretProvider !== "external-secrets"
      ? []
      : tenants.map(
          (t): KubernetesObject => ({
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: meta(zoneRoleSecret(t.name), {
              annotations: { ...KEEP_DATA_ANNOTATIONS },
              labels: { [LABEL.tenant]: t.name },
            }),
            spec: {
              data: [
                {
                  remoteRef: {
                    key: secretPath(zone.name, t.name, SECRET_ITEM.database),
                    property: "password",
                  },
                  secretKey: "password",
                },
              ],
              refreshInterval: "1h",
              secretStoreRef: { kind: "ClusterSecretStore", name: zoneSecretStore(zone.platform, zone.name) },
              target: {
                creationPolicy: "Orphan",
                deletionPolicy: "Retain",
                name: zoneRoleSecret(t.name),
                template: {
                  data: { username: databaseRole(t) },
                  engineVersion: "v2",
                  mergePolicy: "Merge",
                  type: "kubernetes.io/basic-auth",
                },
              },
            },
          }),
        );
  const clients = tenants.map((t) => allowFromNamespace(t.namespace, appPods(t).matchLabels));
  return [
    cluster,
    ...databases,
    ...secrets,
    databasePolicy(model, zone, meta(NETWORK_POLICY.database), DATA.sharedDbCluster, clients),
  ];
}

function sharedRedis(
  model: Model,
  zone: ZoneModel,
  tenants: readonly TenantModel[],
  meta: Meta,
): KubernetesObject[] {
  const labels = { ...REDIS_LABELS, [LABEL.zone]: zone.name };
  const key = (t: TenantModel) => `password-${t.name}`;
  const aclFile = [
    "user default off",
    // Only SHA-256 hashes of the passwords reach the ACL file.
    ...tenants.map((t) =>
      redisAclLine(redisAclUser(t), t.redisPrefix, `#{{ index . "${key(t)}" | sha256sum }}`),
    ),
  ].join("\n");
  const aclSecret: KubernetesObject = {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: meta(ZONE_REDIS_ACL_SECRET),
    spec: {
      data: tenants.map((t) => ({
        remoteRef: { key: `${zone.name}/${t.name}/redis`, property: "password" },
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
  const probe = { periodSeconds: 10, tcpSocket: { port: "redis" }, timeoutSeconds: 3 };
  const deployment: KubernetesObject = {
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
  const service: KubernetesObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(DATA.sharedRedis, { labels }),
    spec: {
      ports: [{ name: "redis", port: PORT.redis, protocol: "TCP", targetPort: "redis" }],
      selector: labels,
    },
  };
  const network: KubernetesObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(NETWORK_POLICY.redis),
    spec: {
      ingress: [
        {
          from: [
            ...tenants.map((t) => allowFromNamespace(t.namespace, appPods(t).matchLabels)),
            allowFromNamespace(ADDON_NAMESPACE.keda),
          ],
          ports: [{ port: PORT.redis, protocol: "TCP" }],
        },
      ],
      podSelector: { matchLabels: labels },
      policyTypes: ["Ingress"],
    },
  };
  // With generated secrets, `apply` writes the ACL file from the tenants' Redis passwords.
  return [...(model.secretProvider === "external-secrets" ? [aclSecret] : []), deployment, service, network];
}
