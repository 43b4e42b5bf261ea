import { createHash } from "node:crypto";

/**
 * Every Kubernetes and AWS name tenantctl gives comes from here (ARCHITECTURE invariant 2).
 * Names are DNS-1123 labels of at most 63 characters; a longer one keeps a readable
 * prefix and ends in a hash of the full name, so two long names never collide.
 */
export const MAX_LABEL_LENGTH = 63;
const HASH_LENGTH = 8;

export function dnsLabel(...parts: readonly string[]): string {
  const full = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (full.length <= MAX_LABEL_LENGTH) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, HASH_LENGTH);
  const prefix = full.slice(0, MAX_LABEL_LENGTH - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${prefix}-${hash}`;
}

/** Label keys and values that tenantctl sets and that its policies select on. */
export const LABEL = {
  tenant: "tenantctl.io/tenant",
  zone: "tenantctl.io/zone",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  name: "app.kubernetes.io/name",
  component: "app.kubernetes.io/component",
  namespaceName: "kubernetes.io/metadata.name",
} as const;
export const MANAGED_BY = "tenantctl";

export const POD_SECURITY = {
  enforce: "pod-security.kubernetes.io/enforce",
  enforceVersion: "pod-security.kubernetes.io/enforce-version",
  audit: "pod-security.kubernetes.io/audit",
  auditVersion: "pod-security.kubernetes.io/audit-version",
  warn: "pod-security.kubernetes.io/warn",
  warnVersion: "pod-security.kubernetes.io/warn-version",
} as const;

/** The namespace that holds everything of one tenant. */
export function tenantNamespace(tenant: string): string {
  return dnsLabel("tenant", tenant);
}

/** Fixed names of the per-tenant baseline objects (one of each per namespace). */
export const BASELINE = {
  resourceQuota: "tenant-quota",
  limitRange: "tenant-limits",
  defaultDeny: "default-deny-all",
  allowDns: "allow-dns-egress",
  adminRole: "tenant-admin",
  viewerRole: "tenant-viewer",
} as const;

/** kube-dns as every EKS cluster runs it: pods labelled k8s-app=kube-dns in kube-system. */
export const KUBE_DNS = { namespace: "kube-system", podLabel: "k8s-app", podLabelValue: "kube-dns" } as const;

/** The path of a tenant's rendered objects inside the output directory. */
export function tenantDirectory(tenant: string): string {
  return `tenants/${tenant}`;
}

/** A rendered object's file name: `<kind>-<name>.yaml`, lower case. */
export function objectFileName(kind: string, name: string): string {
  return `${kind.toLowerCase()}-${name}.yaml`;
}
