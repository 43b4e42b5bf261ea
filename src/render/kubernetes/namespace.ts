/**
 * The tenant's namespace: labelled with tenant and zone (what every NetworkPolicy and
 * admission policy selects on) and held to Pod Security `restricted`, pinned to the
 * cluster's Kubernetes version so that an upgrade never changes the profile unannounced.
 */
import {
  NAMESPACE_CLASS_POOLS_LABEL,
  NAMESPACE_DATABASE_POOL_LABEL,
  NAMESPACE_POOL_LABEL,
  POD_SECURITY,
} from "../../model/names.js";
import { classPools, poolFor } from "../../model/scheduling.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantLabels } from "../../manifest/metadata.js";

export function renderNamespace(model: Model, tenant: TenantModel): KubernetesObject {
  const classes = classPools(tenant);
  return restrictedNamespace(model, tenant.namespace, {
    ...tenant.settings.labels,
    ...tenantLabels(tenant),
    // Read by the tenant-workloads admission policy: the only node pools its pods may use.
    [NAMESPACE_POOL_LABEL]: poolFor(tenant, "app"),
    [NAMESPACE_DATABASE_POOL_LABEL]: poolFor(tenant, "database"),
    ...(classes.length === 0 ? {} : { [NAMESPACE_CLASS_POOLS_LABEL]: classes.join(".") }),
  });
}

export function restrictedNamespace(
  model: Model,
  name: string,
  labels: Record<string, string>,
): KubernetesObject {
  const version = `v${model.cluster.kubernetesVersion}`;
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        ...labels,
        [POD_SECURITY.enforce]: "restricted",
        [POD_SECURITY.enforceVersion]: version,
        [POD_SECURITY.audit]: "restricted",
        [POD_SECURITY.auditVersion]: version,
        [POD_SECURITY.warn]: "restricted",
        [POD_SECURITY.warnVersion]: version,
      },
    },
  };
}
