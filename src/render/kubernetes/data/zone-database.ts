/**
 * A zone's shared PostgreSQL (isolation `database`): one CloudNativePG cluster in the zone's
 * data namespace, a database and a login role per tenant (named opaquely, admitted to its own
 * database only), the roles' passwords from Secrets Manager, and a policy that admits the
 * product pods of those tenants only.
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
  DATA,
  KEEP_DATA_ANNOTATIONS,
  LABEL,
  NETWORK_POLICY,
  NODE_POOL,
  zoneDatabaseObject,
  zoneRoleSecret,
  zoneSecretStore,
  backupPrefix,
  secretPath,
  SECRET_ITEM,
} from "../../../model/names.js";
import { poolPlacement } from "../../../model/scheduling.js";
import type { Model, TenantModel, ZoneModel } from "../../../model/resolve.js";
import { databaseName, databaseRole } from "../../../model/secrets.js";
import { bytes, formatBytes } from "../../../input/quantity.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject, ObjectMeta } from "../../../manifest/object.js";
import { zoneMeta } from "../../../manifest/metadata.js";
import { allowFromNamespace, clientPods, databasePolicy } from "../stack-network.js";

export type ZoneMeta = (name: string, extra?: Parameters<typeof zoneMeta>[3]) => ObjectMeta;

export function sharedDatabase(
  model: Model,
  zone: ZoneModel,
  tenants: readonly TenantModel[],
  meta: ZoneMeta,
): KubernetesObject[] {
  const clients = tenants.map((t) => ({
    ...allowFromNamespace(t.namespace),
    podSelector: clientPods(t, "database"),
  }));
  return [
    sharedCluster(model, zone, tenants, meta),
    ...tenants.map((t) => tenantDatabase(t, meta)),
    ...(model.secretProvider === "external-secrets" ? tenants.map((t) => roleSecret(zone, t, meta)) : []),
    databasePolicy(model, zone, meta(NETWORK_POLICY.database), DATA.sharedDbCluster, clients),
  ];
}

/** Two instances on the database pool, room for every tenant's storage, one login role per tenant. */
function sharedCluster(
  model: Model,
  zone: ZoneModel,
  tenants: readonly TenantModel[],
  meta: ZoneMeta,
): KubernetesObject {
  const storage = Math.max(
    bytes("10Gi"),
    tenants.reduce((sum, t) => sum + bytes(t.settings.database.storage), 0),
  );
  return {
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
          destinationPath: `s3://${model.backups.bucket}/${backupPrefix(zone.name, undefined)}`,
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
}

/** The tenant's database, owned by its role; kept when the tenant goes (retain). */
function tenantDatabase(t: TenantModel, meta: ZoneMeta): KubernetesObject {
  return {
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
  };
}

/** The tenant role's password from its path in Secrets Manager, in the zone's namespace (out of the tenant's reach). */
function roleSecret(zone: ZoneModel, t: TenantModel, meta: ZoneMeta): KubernetesObject {
  return {
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
  };
}
