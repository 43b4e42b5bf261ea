/**
 * A PostgreSQL server of the tenant's own (isolation `cluster`), run by CloudNativePG:
 * 1 instance for the shared tier, 2 (streaming replica, other node) for dedicated. The app
 * role owns only its database; there is no superuser access; only TLS connections of the
 * app role to its own database are accepted. WAL and base backups go to S3 under the
 * tenant's own prefix, with the IAM role of the cluster's service account.
 */
import { backupPrefix, databaseClusterName, KEEP_DATA_ANNOTATIONS } from "../../../model/names.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import { placement } from "../../../model/scheduling.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantIdentityLabels, tenantMeta } from "../../../manifest/metadata.js";
import { containerResources, placementFields } from "../../../manifest/pod.js";
import { POOLER_RESOURCES, poolerOf } from "../../../model/footprint.js";
import { emitYaml } from "../../../manifest/yaml-emitter.js";
import type { DatabaseMetrics } from "../../../products/contract/builders.js";

export function renderPostgresCluster(
  model: Model,
  tenant: TenantModel,
  metrics?: DatabaseMetrics,
): KubernetesObject {
  const db = tenant.settings.database;
  const place = placement(tenant, "database");
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: tenantMeta(tenant, tenant.data.databaseCluster, { annotations: { ...KEEP_DATA_ANNOTATIONS } }),
    spec: {
      affinity: {
        enablePodAntiAffinity: true,
        nodeSelector: place.nodeSelector,
        podAntiAffinityType: tenant.databaseInstances > 1 ? "required" : "preferred",
        topologyKey: "kubernetes.io/hostname",
        ...(place.tolerations.length === 0 ? {} : { tolerations: place.tolerations }),
      },
      backup: {
        barmanObjectStore: {
          data: { compression: "gzip" },
          destinationPath: backupPath(model, tenant),
          s3Credentials: { inheritFromIAMRole: true },
          wal: { compression: "gzip" },
        },
        retentionPolicy: model.backups.retention,
      },
      ...bootstrapOf(model, tenant, metrics),
      enableSuperuserAccess: false,
      imageName: PINNED.postgresImage,
      inheritedMetadata: { labels: tenantIdentityLabels(tenant) },
      instances: tenant.databaseInstances,
      postgresql: {
        parameters: { log_connections: "on", log_disconnections: "on", password_encryption: "scram-sha-256" },
        pg_hba: [
          `hostssl ${tenant.data.databaseName} ${tenant.data.databaseOwner} all scram-sha-256`,
          "host all all all reject",
        ],
      },
      ...(metrics === undefined
        ? {}
        : {
            monitoring: {
              customQueriesConfigMap: [{ key: MONITORING_QUERIES_KEY, name: monitoringConfigMap(tenant) }],
            },
          }),
      resources: containerResources(db.resources),
      storage: { size: db.storage },
      // Clients verify the server's name: PgBouncer presents the server's certificate, so its Service is named in it too.
      ...(poolerOf(tenant.settings, tenant.product.dataServices) === undefined
        ? {}
        : {
            certificates: { serverAltDNSNames: serviceNames(tenant.data.databasePooler, tenant.namespace) },
          }),
    },
  };
}

/**
 * A new server's start: an empty database (initdb), or for a restore (database.restore) the
 * previous generation's base backup and WAL from the tenant's own object-store prefix, up to a
 * point in time when one is given. Either way the app role owns the database with the tenant's
 * password, and the server archives to a path of its own (its name): the previous generation's
 * archive is only read, never written.
 */
function bootstrapOf(
  model: Model,
  tenant: TenantModel,
  metrics: DatabaseMetrics | undefined,
): Record<string, unknown> {
  const app = {
    database: tenant.data.databaseName,
    owner: tenant.data.databaseOwner,
    secret: { name: tenant.data.databaseSecret },
  };
  const restore = tenant.settings.database.restore;
  // A restored database brings what its first generation's setup made.
  if (restore === undefined)
    return {
      bootstrap: {
        initdb: {
          ...app,
          ...(metrics === undefined ? {} : { postInitApplicationSQL: [...metrics.setupSql] }),
        },
      },
    };
  const previous = databaseClusterName(tenant.product.name, restore.generation - 1);
  return {
    bootstrap: {
      recovery: {
        ...app,
        source: previous,
        ...(restore.pointInTime === undefined ? {} : { recoveryTarget: { targetTime: restore.pointInTime } }),
      },
    },
    externalClusters: [
      {
        name: previous,
        barmanObjectStore: {
          destinationPath: backupPath(model, tenant),
          s3Credentials: { inheritFromIAMRole: true },
          serverName: previous,
          wal: { compression: "gzip" },
        },
      },
    ],
  };
}

/**
 * PgBouncer in front of the tenant's own server (CloudNativePG `Pooler`, type rw): the
 * product's clients connect to it with their own role (PgBouncer checks it with CloudNativePG's
 * auth query), over TLS with the server's certificate. Its pods carry the cluster's label, so
 * the database's network policy admits and confines them as it does the instances.
 */
export function renderPooler(tenant: TenantModel): KubernetesObject | undefined {
  const pooler = poolerOf(tenant.settings, tenant.product.dataServices);
  if (pooler === undefined) return undefined;
  const place = placement(tenant, "app");
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Pooler",
    metadata: tenantMeta(tenant, tenant.data.databasePooler),
    spec: {
      cluster: { name: tenant.data.databaseCluster },
      instances: pooler.instances,
      pgbouncer: { poolMode: pooler.poolMode },
      template: {
        metadata: { labels: tenantIdentityLabels(tenant) },
        spec: {
          containers: [{ name: "pgbouncer", resources: containerResources(POOLER_RESOURCES) }],
          ...placementFields(place),
        },
      },
      type: "rw",
    },
  };
}

/** A Service's DNS names, short to fully qualified. */
function serviceNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}

export function backupPath(model: Model, tenant: TenantModel): string {
  return `s3://${model.backups.bucket}/${backupPrefix(tenant.zone.name, tenant.name)}`;
}

export function renderScheduledBackup(model: Model, tenant: TenantModel): KubernetesObject {
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "ScheduledBackup",
    metadata: tenantMeta(tenant, tenant.data.scheduledBackup),
    spec: {
      backupOwnerReference: "self",
      cluster: { name: tenant.data.databaseCluster },
      method: "barmanObjectStore",
      schedule: model.backups.schedule,
    },
  };
}

const MONITORING_QUERIES_KEY = "queries";

/** The ConfigMap of the exporter's custom queries: `<server>-monitoring`. */
export function monitoringConfigMap(tenant: TenantModel): string {
  return `${tenant.data.databaseCluster}-monitoring`;
}

/** The product's queries for its server's exporter; CloudNativePG reloads them when the ConfigMap changes. */
export function renderMonitoringQueries(tenant: TenantModel, metrics: DatabaseMetrics): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: tenantMeta(tenant, monitoringConfigMap(tenant), { labels: { "cnpg.io/reload": "" } }),
    data: { [MONITORING_QUERIES_KEY]: emitYaml(metrics.queries) },
  };
}
