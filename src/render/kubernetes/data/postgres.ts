/**
 * A PostgreSQL server of the tenant's own (isolation `cluster`), run by CloudNativePG:
 * 1 instance for the shared tier, 2 (streaming replica, other node) for dedicated. The app
 * role owns only its database; there is no superuser access; only TLS connections of the
 * app role to its own database are accepted. WAL and base backups go to S3 under the
 * tenant's own prefix, with the IAM role of the cluster's service account.
 */
import { backupPrefix, KEEP_DATA_ANNOTATIONS } from "../../../model/names.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import { placement } from "../../../model/scheduling.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantIdentityLabels, tenantMeta } from "../../../manifest/metadata.js";
import { containerResources } from "../../../manifest/pod.js";

export function renderPostgresCluster(model: Model, tenant: TenantModel): KubernetesObject {
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
      bootstrap: {
        initdb: {
          database: tenant.data.databaseName,
          owner: tenant.data.databaseOwner,
          secret: { name: tenant.data.databaseSecret },
        },
      },
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
      resources: containerResources(db.resources),
      storage: { size: db.storage },
    },
  };
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
