/**
 * Several clusters from one spec. A spec with `clusters:` is, for each cluster, the spec that
 * cluster would have on its own: `cluster:` with the cluster's keys over it, and the tenants
 * placed on it with their overrides for it. Everything to the right of the Model sees one
 * cluster at a time; only the tree's layout and the rules' locations know there were several.
 */
import { failure, type PathSegment } from "../diagnostics/diagnostic.js";
import { closest } from "../input/suggest.js";
import type { ClusterSpec, Platform, TenantClusterOverride } from "../input/schema.js";
import { merge } from "./settings.js";

export interface ClusterView {
  /** The cluster's key under `clusters:`; undefined for a spec with one cluster. */
  readonly key: string | undefined;
  /** The spec as this cluster alone would have it (no `clusters:`, its tenants only). */
  readonly spec: Platform;
  /** The tree's directory of this cluster inside the output directory: "" for a spec with one cluster. */
  readonly root: string;
  /** For each of `spec.tenants`, its index in the spec as written. */
  readonly tenantIndex: readonly number[];
}

/** The keys under `clusters:`, in the order written; empty for a spec with one cluster. */
export function clusterKeys(spec: Platform): string[] {
  return Object.keys(spec.clusters ?? {});
}

/** Refuses a key (`--cluster`, `--from`, …) that names none of the spec's clusters, with a did-you-mean. */
export function checkClusterKey(spec: Platform, key: string, flag: string, code: string): void {
  const keys = clusterKeys(spec);
  if (keys.includes(key)) return;
  const suggestion = closest(key, keys);
  throw failure(
    code,
    keys.length === 0
      ? `${flag} ${key}: this spec declares no clusters: (it has one cluster, ${spec.cluster.name})`
      : `${flag} ${key}: not a cluster of this spec; expected one of ${keys.join(", ")}`,
    keys.length === 0
      ? `leave ${flag} out`
      : suggestion === undefined
        ? `use one of ${keys.join(", ")}`
        : `did you mean ${suggestion}?`,
  );
}

/** Whether a tenant runs on the cluster of that key (every cluster unless it names some). */
export function placedOn(tenant: Platform["tenants"][number], key: string): boolean {
  const on = tenant.clusters;
  if (on === undefined) return true;
  return Array.isArray(on) ? on.includes(key) : Object.hasOwn(on, key);
}

/** The tenant's overrides for a cluster, when it gives any. */
export function tenantOverride(
  tenant: Platform["tenants"][number],
  key: string,
): TenantClusterOverride | undefined {
  const on = tenant.clusters;
  return on === undefined || Array.isArray(on) ? undefined : on[key];
}

/** The cluster of a key: `cluster:` with the key's overrides, named `<cluster.name>-<key>` unless it names itself. */
export function clusterOf(spec: Platform, key: string): ClusterSpec {
  const override = spec.clusters?.[key] ?? {};
  const defined = Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined));
  return { ...spec.cluster, name: `${spec.cluster.name}-${key}`, ...defined };
}

export function clusterViews(spec: Platform): ClusterView[] {
  const keys = clusterKeys(spec);
  if (keys.length === 0)
    return [
      {
        key: undefined,
        spec,
        root: "",
        tenantIndex: spec.tenants.map((_, i) => i),
      },
    ];
  return keys.map((key) => clusterView(spec, key));
}

export function clusterView(spec: Platform, key: string): ClusterView {
  const cluster = clusterOf(spec, key);
  const tenantIndex: number[] = [];
  const tenants: Platform["tenants"] = [];
  spec.tenants.forEach((tenant, index) => {
    if (!placedOn(tenant, key)) return;
    const own = { ...tenant, clusters: undefined };
    tenants.push(merge(own, tenantOverride(tenant, key)) as Platform["tenants"][number]);
    tenantIndex.push(index);
  });
  return {
    key,
    spec: { ...spec, clusters: undefined, cluster, tenants },
    root: `clusters/${cluster.name}`,
    tenantIndex,
  };
}

/**
 * A rule's path in a cluster's spec, as a path in the spec as written: a tenant's index as
 * written, and a value the cluster overrides at the line that overrides it.
 */
export function pathInSpec(spec: Platform, view: ClusterView, path: readonly PathSegment[]): PathSegment[] {
  if (view.key === undefined) return [...path];
  const [head, index, ...rest] = path;
  if (
    head === "cluster" &&
    index !== undefined &&
    spec.clusters?.[view.key]?.[index as keyof ClusterSpec] !== undefined
  )
    return ["clusters", view.key, index, ...rest];
  if (head !== "tenants" || typeof index !== "number") return [...path];
  const original = view.tenantIndex[index];
  if (original === undefined) return [...path];
  const override = tenantOverride(spec.tenants[original] as Platform["tenants"][number], view.key);
  if (override !== undefined && rest.length > 0 && has(override, rest))
    return ["tenants", original, "clusters", view.key, ...rest];
  return ["tenants", original, ...rest];
}

function has(root: unknown, path: readonly PathSegment[]): boolean {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<string | number, unknown>)[key];
    if (node === undefined) return false;
  }
  return true;
}
