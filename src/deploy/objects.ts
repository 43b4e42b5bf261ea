import { DATA_BEARING_ANNOTATION, LABEL, MANAGED_BY } from "../model/names.js";
import type { KubernetesObject } from "../render/kubernetes/object.js";

/** How tenantctl names an object it applies, and what it knows about it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

export function refOf(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
  };
}

/** Identity across API versions: group, kind, namespace, name. */
export function keyOf(ref: ObjectRef): string {
  const group = ref.apiVersion.includes("/") ? ref.apiVersion.slice(0, ref.apiVersion.indexOf("/")) : "";
  return `${group}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? "" : `${ref.namespace}/`}${ref.name}`;
}

/**
 * The order of application: definitions and namespaces first, then what isolates a tenant
 * (quota, policies, RBAC), then secrets and data services, then n8n. Within a rank objects
 * are applied concurrently.
 */
const RANK: Readonly<Record<string, number>> = {
  CustomResourceDefinition: 0,
  Namespace: 1,
  ClusterRole: 2,
  ClusterRoleBinding: 2,
  ValidatingAdmissionPolicy: 2,
  ValidatingAdmissionPolicyBinding: 3,
  ClusterSecretStore: 2,
  ResourceQuota: 3,
  LimitRange: 3,
  NetworkPolicy: 3,
  Role: 3,
  RoleBinding: 3,
  ServiceAccount: 3,
  ExternalSecret: 4,
  Secret: 4,
  Cluster: 5,
  Database: 6,
  ScheduledBackup: 6,
};
export const DEFAULT_RANK = 7;

export function rankOf(kind: string): number {
  return RANK[kind] ?? DEFAULT_RANK;
}

/** Objects that hold data: never pruned or deleted without --allow-data-loss. */
export function isDataBearing(object: {
  apiVersion: string;
  kind: string;
  metadata: { annotations?: Readonly<Record<string, string>> | undefined };
}): boolean {
  if (object.metadata.annotations?.[DATA_BEARING_ANNOTATION] === "true") return true;
  if (object.kind === "PersistentVolumeClaim") return true;
  return (
    object.apiVersion.startsWith("postgresql.cnpg.io/") &&
    (object.kind === "Cluster" || object.kind === "Database")
  );
}

/** The label selector of everything tenantctl applied for one platform (prune never looks further). */
export function managedSelector(platform: string): string {
  return `${LABEL.managedBy}=${MANAGED_BY},${LABEL.platform}=${platform}`;
}
export const FIELD_MANAGER = "tenantctl";

/** A live object as the API returns it (the fields tenantctl reads). */
export interface LiveObject extends KubernetesObject {
  readonly metadata: KubernetesObject["metadata"] & {
    readonly resourceVersion?: string;
    readonly managedFields?: readonly { manager?: string; operation?: string }[];
    readonly uid?: string;
  };
}

/** Whether tenantctl applied this object (and so may prune it): its label and its field manager. */
export function appliedByTenantctl(live: LiveObject): boolean {
  return (
    live.metadata.labels?.[LABEL.managedBy] === MANAGED_BY &&
    (live.metadata.managedFields ?? []).some((f) => f.manager === FIELD_MANAGER)
  );
}
