/**
 * A release change under way (`tenantctl upgrade`, the spec's `upgradeFrom`), as Argo CD
 * carries it out, wave by wave within one sync:
 *   data (0) → the backup named for the release (2) → every workload but the migrator scaled to
 *   zero, its autoscaler paused at zero (3) → the migrator alone on the new release (4).
 * Argo CD waits for each wave to be healthy: the backup completed (its built-in health check of
 * CloudNativePG's Backup), the stopped workloads gone, the migrator ready (its migrations done).
 * No old worker meets a migrated schema, and no new one starts before it is migrated.
 * `tenantctl upgrade --finish` drops `upgradeFrom`: the others come back on the new release.
 */
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";
import { inWave, WAVE } from "../../manifest/waves.js";
import { annotated, isWorkload, KEDA_PAUSED_REPLICAS, scaleTargetOf } from "../../manifest/scaling.js";
import { ownsServer } from "../../model/data-services.js";
import { LABEL, upgradeBackupName } from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";

interface Upgrade {
  readonly key: string;
  readonly to: string;
  readonly migrator: string;
}

/** The release change under way for the tenant, or undefined when none is. */
export function upgradeUnderWay(tenant: TenantModel): Upgrade | undefined {
  const { schemaRelease: key, upgradingFrom, migrator, release } = tenant.product;
  const to = key === undefined ? undefined : release.get(key);
  if (upgradingFrom === undefined || key === undefined || to === undefined || migrator === undefined)
    return undefined;
  return { key, to, migrator };
}

/** The backup before the change, when the tenant's database is its own CloudNativePG cluster. */
export function renderUpgradeBackup(tenant: TenantModel): KubernetesObject[] {
  const upgrade = upgradeUnderWay(tenant);
  if (upgrade === undefined) return [];
  if (!ownsServer(tenant.settings, tenant.product.dataServices, "database")) return [];
  if (tenant.settings.database.isolation !== "cluster") return [];
  return inWave(WAVE.upgradeBackup, [
    {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Backup",
      metadata: tenantMeta(tenant, upgradeBackupName(tenant.data.databaseCluster, upgrade.key, upgrade.to)),
      spec: { cluster: { name: tenant.data.databaseCluster }, method: "barmanObjectStore" },
    },
  ]);
}

/** The product's workloads and scaling, staged: the others stopped first, then the migrator alone. */
export function stageUpgrade(tenant: TenantModel, objects: readonly KubernetesObject[]): KubernetesObject[] {
  const upgrade = upgradeUnderWay(tenant);
  if (upgrade === undefined) return [...objects];
  const stopped = new Set(
    objects
      .filter((o) => isWorkload(o) && o.metadata.labels?.[LABEL.component] !== upgrade.migrator)
      .map((o) => o.metadata.name),
  );
  return objects.map((o) => {
    if (isWorkload(o) && stopped.has(o.metadata.name))
      return inWave(WAVE.upgradeStop, [
        { ...o, spec: { ...(o.spec as object), replicas: 0 } },
      ])[0] as KubernetesObject;
    if (isWorkload(o)) return inWave(WAVE.upgradeMigrate, [o])[0] as KubernetesObject;
    if (o.kind === "ScaledObject" && stopped.has(scaleTargetOf(o)))
      return inWave(WAVE.upgradeStop, [annotated(o, KEDA_PAUSED_REPLICAS, "0")])[0] as KubernetesObject;
    return o;
  });
}
