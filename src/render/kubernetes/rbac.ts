/**
 * Tenant RBAC: namespaced Roles only, bound to the identity provider's groups. The admin
 * runs its workloads but cannot touch what isolates it (quota, limits, network policies,
 * RBAC), and nothing here grants escalate, bind or impersonate.
 */
import { BASELINE } from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";

const READ = ["get", "list", "watch"];
const WRITE = [...READ, "create", "update", "patch", "delete", "deletecollection"];

interface Rule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export const TENANT_ADMIN_RULES: readonly Rule[] = [
  { apiGroups: [""], resources: ["configmaps", "services"], verbs: WRITE },
  { apiGroups: [""], resources: ["pods"], verbs: [...READ, "create", "delete"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: READ },
  { apiGroups: [""], resources: ["secrets"], verbs: READ },
  {
    apiGroups: [""],
    resources: [
      "endpoints",
      "events",
      "limitranges",
      "persistentvolumeclaims",
      "resourcequotas",
      "serviceaccounts",
    ],
    verbs: READ,
  },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets"], verbs: WRITE },
  {
    apiGroups: ["apps"],
    resources: ["deployments/scale", "statefulsets/scale"],
    verbs: ["get", "patch", "update"],
  },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: WRITE },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: WRITE },
  // Their own secrets from AWS: admission keeps them to their zone's store and <zone>/<tenant>/ paths.
  { apiGroups: ["external-secrets.io"], resources: ["externalsecrets"], verbs: WRITE },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
  { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings", "roles"], verbs: READ },
];

export const TENANT_VIEWER_RULES: readonly Rule[] = [
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "endpoints",
      "events",
      "pods",
      "pods/log",
      "persistentvolumeclaims",
      "services",
    ],
    verbs: READ,
  },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets"], verbs: READ },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: READ },
  { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
];

export function renderTenantRbac(tenant: TenantModel): KubernetesObject[] {
  return [
    ...roleWithBinding(tenant, BASELINE.adminRole, TENANT_ADMIN_RULES, tenant.settings.admins),
    ...roleWithBinding(tenant, BASELINE.viewerRole, TENANT_VIEWER_RULES, tenant.settings.viewers),
  ];
}

function roleWithBinding(
  tenant: TenantModel,
  name: string,
  rules: readonly Rule[],
  groups: readonly string[],
): KubernetesObject[] {
  const role: KubernetesObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: tenantMeta(tenant, name),
    rules,
  };
  if (groups.length === 0) return [role];
  const binding: KubernetesObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: tenantMeta(tenant, name),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [...groups]
      .sort()
      .map((group) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group })),
  };
  return [role, binding];
}
