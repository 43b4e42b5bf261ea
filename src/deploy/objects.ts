import { createHash } from "node:crypto";
import { waveOf } from "../manifest/waves.js";
import { DATA_BEARING_ANNOTATION, LABEL, MANAGED_BY } from "../model/names.js";
import type { KubernetesObject } from "../manifest/object.js";

/**
 * The order of application: definitions first, then the sync wave every rendered object
 * carries (the order Argo CD syncs in); an object without one goes last. Within a rank objects
 * are applied concurrently.
 */
export function rankOf(object: KubernetesObject): number {
  if (object.kind === "CustomResourceDefinition") return -1000;
  return waveOf(object) ?? UNWAVED_RANK;
}
const UNWAVED_RANK = 1000;

/** Argo CD's own objects: applied only when asked, since they make Argo CD manage the platform too. */
export function isGitOpsObject(object: KubernetesObject): boolean {
  return object.apiVersion.startsWith("argoproj.io/");
}

/** Objects that hold data: never pruned or deleted without --allow-data-loss. */
export function isDataBearing(object: {
  apiVersion: string;
  kind: string;
  metadata: { annotations?: Readonly<Record<string, string>> | undefined };
}): boolean {
  if (object.metadata.annotations?.[DATA_BEARING_ANNOTATION] === "true") return true;
  if (object.kind === "PersistentVolumeClaim") return true;
  // What brings keys and credentials in from AWS: its Secret goes with it.
  if (object.apiVersion.startsWith("external-secrets.io/") && object.kind === "ExternalSecret") return true;
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
    readonly managedFields?: readonly ManagedFieldsEntry[];
    readonly uid?: string;
  };
}
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly time?: string;
}

/** The hash of what tenantctl applied, kept on the object so that an unchanged one need not be sent again. */
export const APPLIED_HASH_ANNOTATION = "tenantctl.io/applied-hash";

export function appliedHash(object: KubernetesObject): string {
  return createHash("sha256").update(JSON.stringify(object)).digest("hex").slice(0, 20);
}

/** The object as tenantctl sends it: with the hash of its own content. */
export function withAppliedHash(object: KubernetesObject): KubernetesObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [APPLIED_HASH_ANNOTATION]: appliedHash(object) },
    },
  };
}

/**
 * Whether a live object is exactly what tenantctl last applied and nobody has written it
 * since: the same content hash, and no other manager's write to the object itself (status
 * and scale subresources aside) at or after tenantctl's apply. Such an object needs no request.
 */
export function unchangedSinceApply(live: LiveObject, desired: KubernetesObject): boolean {
  if (live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] !== appliedHash(desired)) return false;
  const entries = live.metadata.managedFields ?? [];
  const own = entries.find((f) => f.manager === FIELD_MANAGER && f.operation === "Apply");
  const appliedAt = own?.time;
  if (appliedAt === undefined) return false;
  return !entries.some(
    (f) => f !== own && (f.subresource ?? "") === "" && f.time !== undefined && f.time >= appliedAt,
  );
}

/** Whether tenantctl applied this object (and so may prune it): its label and its field manager. */
export function appliedByTenantctl(live: LiveObject): boolean {
  return (
    live.metadata.labels?.[LABEL.managedBy] === MANAGED_BY &&
    (live.metadata.managedFields ?? []).some((f) => f.manager === FIELD_MANAGER)
  );
}
