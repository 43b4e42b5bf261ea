import { BASELINE } from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";

/**
 * The tenant's ResourceQuota. Load balancers and node ports are quota'd to zero: tenants
 * are reached only through the shared ingress, never through their own public endpoint.
 */
export function renderResourceQuota(tenant: TenantModel): KubernetesObject {
  const q = tenant.quota;
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: tenantMeta(tenant, BASELINE.resourceQuota),
    spec: {
      hard: {
        "limits.cpu": q.limitsCpu,
        "limits.memory": q.limitsMemory,
        persistentvolumeclaims: String(q.persistentVolumeClaims),
        pods: String(q.pods),
        "requests.cpu": q.requestsCpu,
        "requests.memory": q.requestsMemory,
        "requests.storage": q.storage,
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    },
  };
}

/**
 * Defaults for containers that state no resources (a quota'd namespace rejects such pods
 * otherwise), and a ceiling per volume claim at the namespace's storage quota.
 */
export function renderLimitRange(tenant: TenantModel): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: tenantMeta(tenant, BASELINE.limitRange),
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: "500m", memory: "512Mi" },
          defaultRequest: { cpu: "100m", memory: "128Mi" },
        },
        { type: "PersistentVolumeClaim", max: { storage: tenant.quota.storage } },
      ],
    },
  };
}
