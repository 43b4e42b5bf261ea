/**
 * Whose a live object is, for `apply`:
 * - ours: it carries this platform's identity (platform + cluster), which every rendered object
 *   carries, whether tenantctl or Argo CD created it;
 * - legacy: applied by a tenantctl from before identities (its labels and field manager say
 *   this platform); updated (which records the identity), never pruned;
 * - foreign: anything else, another platform's, another cluster's spec's, or nobody's. Left
 *   alone and reported, unless `--adopt` names it.
 */
import { LABEL, MANAGED_BY, OWNER_ANNOTATION, platformIdentity } from "../model/names.js";
import type { Model } from "../model/resolve.js";
import { FIELD_MANAGER, type LiveObject } from "./objects.js";
import { type ObjectRef } from "../manifest/references.js";

export type Ownership = "ours" | "legacy" | "foreign";

export function ownershipOf(live: LiveObject, model: Model): Ownership {
  const owner = live.metadata.annotations?.[OWNER_ANNOTATION];
  if (owner === platformIdentity(model.platform, model.cluster.name)) return "ours";
  if (owner !== undefined) return "foreign";
  const labels = live.metadata.labels ?? {};
  const legacy =
    labels[LABEL.managedBy] === MANAGED_BY &&
    labels[LABEL.platform] === model.platform &&
    (live.metadata.managedFields ?? []).some((f) => f.manager === FIELD_MANAGER);
  return legacy ? "legacy" : "foreign";
}

export function describeOwner(live: LiveObject): string {
  const owner = live.metadata.annotations?.[OWNER_ANNOTATION];
  if (owner !== undefined) return `it belongs to ${owner}`;
  const platform = live.metadata.labels?.[LABEL.platform];
  return platform !== undefined
    ? `it is labelled for platform ${platform} but has no owner record`
    : "tenantctl did not create it";
}

/**
 * Objects `--adopt` names: `Kind/name` (cluster-scoped) or `Kind/namespace/name`. The group
 * is not written; a kind and a name are precise enough for a person naming an object.
 */
export function adoptionMatcher(specs: readonly string[]): {
  matches(ref: ObjectRef): boolean;
  invalid: string[];
} {
  const wanted = new Set<string>();
  const invalid: string[] = [];
  for (const spec of specs) {
    const parts = spec.split("/");
    if (parts.length === 2 && parts.every((p) => p !== "")) wanted.add(`${parts[0]}||${parts[1]}`);
    else if (parts.length === 3 && parts.every((p) => p !== ""))
      wanted.add(`${parts[0]}|${parts[1]}|${parts[2]}`);
    else invalid.push(spec);
  }
  return { matches: (ref) => wanted.has(`${ref.kind}|${ref.namespace ?? ""}|${ref.name}`), invalid };
}

/** Objects a namespace may hold that nobody created on purpose: the API server's and controllers' own. */
export function isSystemGenerated(live: LiveObject): boolean {
  if ((live.metadata as { ownerReferences?: unknown[] }).ownerReferences?.length) return true;
  if (live.kind === "ConfigMap" && live.metadata.name === "kube-root-ca.crt") return true;
  if (live.kind === "ServiceAccount" && live.metadata.name === "default") return true;
  return live.kind === "Event";
}
