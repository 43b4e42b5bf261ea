/**
 * The edits commands make to platform.yaml: add or remove a tenant, set a component's image,
 * promote one cluster's versions and images to another. Each takes the file's text and the
 * spec it parses to, and returns the new text (yaml-text.ts keeps everything else byte-identical).
 */
import { failure } from "../diagnostics/diagnostic.js";
import type { Platform } from "../input/schema.js";
import { closest } from "../input/suggest.js";
import { type ClusterView, checkClusterKey, clusterView, placedOn } from "../model/clusters.js";
import { effectiveProductName, effectiveSettings, tenantProduct } from "../model/settings.js";
import { compareVersions } from "../versions.js";
import { upgradingFrom } from "../model/resolve.js";
import { appendToSequence, removeFromSequence, replaceNode, setScalar } from "./yaml-text.js";

type SpecTenant = Platform["tenants"][number];

export function tenantIndex(spec: Platform, name: string): number {
  const index = spec.tenants.findIndex((t) => t.name === name);
  if (index >= 0) return index;
  const suggestion = closest(
    name,
    spec.tenants.map((t) => t.name),
  );
  throw failure(
    "edit/unknown-tenant",
    `${name} is not a tenant of this spec`,
    suggestion === undefined ? "name a tenant under tenants:" : `did you mean ${suggestion}?`,
  );
}

export interface NewTenant {
  readonly name: string;
  readonly zone: string;
  readonly product?: string | undefined;
  readonly admins?: readonly string[] | undefined;
  readonly clusters?: readonly string[] | undefined;
}

export function addTenant(text: string, spec: Platform, tenant: NewTenant): string {
  if (spec.tenants.some((t) => t.name === tenant.name))
    throw failure(
      "edit/tenant-exists",
      `${tenant.name} is already a tenant of this spec`,
      "choose another name",
    );
  for (const key of tenant.clusters ?? []) checkClusterKey(spec, key, "--clusters", "edit/unknown-cluster");
  const entry: Record<string, unknown> = { name: tenant.name, zone: tenant.zone };
  if (tenant.product !== undefined) entry.product = tenant.product;
  if (tenant.admins !== undefined && tenant.admins.length > 0) entry.admins = [...tenant.admins];
  if (tenant.clusters !== undefined && tenant.clusters.length > 0) entry.clusters = [...tenant.clusters];
  return appendToSequence(text, ["tenants"], entry);
}

export function removeTenant(text: string, spec: Platform, name: string): string {
  return removeFromSequence(text, ["tenants"], tenantIndex(spec, name));
}

/**
 * A component's image for a tenant: `images.<component>`, or with a cluster
 * `clusters.<key>.images.<component>` (a list of clusters becomes a map to say it).
 */
export function setImage(
  text: string,
  spec: Platform,
  target: { tenant: string; component: string; image: string; cluster?: string | undefined },
): string {
  const index = tenantIndex(spec, target.tenant);
  const tenant = spec.tenants[index] as SpecTenant;
  // The images its product lets a tenant set: none for a product whose image follows its version.
  const release = [...(tenantProduct(spec, index)?.release(effectiveSettings(spec, index)).keys() ?? [])];
  const components = release.filter((k) => k.startsWith("images.")).map((k) => k.slice("images.".length));
  if (!components.includes(target.component)) {
    const product = effectiveProductName(spec, index);
    const suggestion = closest(target.component, components);
    throw failure(
      "edit/unknown-component",
      components.length === 0
        ? `${target.tenant} runs ${product}, whose image follows ${release.join(", ")}`
        : `${target.component} is not a component of ${product} (${components.join(", ")})`,
      components.length === 0
        ? `promote or edit ${release.join(", ")} instead`
        : suggestion === undefined
          ? `name one of ${components.join(", ")}`
          : `did you mean ${suggestion}?`,
    );
  }
  if (target.cluster === undefined)
    return setScalar(text, ["tenants", index, "images", target.component], target.image);
  checkClusterKey(spec, target.cluster, "--cluster", "edit/unknown-cluster");
  if (!placedOn(tenant, target.cluster))
    throw failure(
      "edit/not-on-cluster",
      `${target.tenant} does not run on ${target.cluster}`,
      `add ${target.cluster} to its clusters first`,
    );
  const withMap = placementAsMap(text, index, tenant);
  return setScalar(
    withMap,
    ["tenants", index, "clusters", target.cluster, "images", target.component],
    target.image,
  );
}

/** A tenant's `clusters: [a, b]` as `{ a: {}, b: {} }`, so that one cluster's values can be written. */
export function placementAsMap(text: string, index: number, tenant: SpecTenant): string {
  if (!Array.isArray(tenant.clusters)) return text;
  return replaceNode(
    text,
    ["tenants", index, "clusters"],
    Object.fromEntries(tenant.clusters.map((key) => [key, {}])),
  );
}

/** The schema release a tenant's data is moving from on a cluster, when it runs there and a move is staged. */
function movingFrom(view: ClusterView, index: number): string | undefined {
  const j = view.tenantIndex.indexOf(index);
  const product = j < 0 ? undefined : tenantProduct(view.spec, j);
  return product === undefined ? undefined : upgradingFrom(product, effectiveSettings(view.spec, j));
}

/** What a tenant runs on a cluster (its product's release settings), when it runs there. */
function runs(view: ClusterView, index: number): ReadonlyMap<string, string> | undefined {
  const j = view.tenantIndex.indexOf(index);
  if (j < 0) return undefined;
  return tenantProduct(view.spec, j)?.release(effectiveSettings(view.spec, j));
}

export interface Promotion {
  readonly tenant: string;
  readonly what: string;
  readonly from: string;
  readonly to: string;
  /** A schema release (n8n.version): written staged, to be finished with tenantctl upgrade --finish. */
  readonly staged?: boolean;
}

/**
 * Carries what a tenant runs on one cluster (its product's release: n8n's version, a service's images) to
 * another, for the tenants on both: sizes stay each cluster's own. Writes only where the
 * target differs, under the tenant's `clusters.<to>` (a tenant the same everywhere has
 * nothing to promote).
 */
export function promote(
  text: string,
  spec: Platform,
  options: { from: string; to: string; tenants?: readonly string[] | undefined },
): { text: string; promotions: Promotion[] } {
  checkClusterKey(spec, options.from, "--from", "edit/unknown-cluster");
  checkClusterKey(spec, options.to, "--to", "edit/unknown-cluster");
  if (options.from === options.to)
    throw failure(
      "edit/same-cluster",
      `--from and --to are both ${options.from}`,
      "promote between two clusters",
    );
  for (const name of options.tenants ?? []) tenantIndex(spec, name);
  const source = clusterView(spec, options.from);
  const target = clusterView(spec, options.to);
  const promotions: Promotion[] = [];
  let out = text;
  spec.tenants.forEach((tenant, index) => {
    if (options.tenants !== undefined && !options.tenants.includes(tenant.name)) return;
    const from = runs(source, index);
    const to = runs(target, index);
    // Only a tenant with values per cluster (clusters: { … }) can run differently on the two.
    if (from === undefined || to === undefined) return;
    const changes = [...from]
      .filter(([what, value]) => to.get(what) !== value)
      .map(([what, value]) => ({ what, from: to.get(what) ?? "(none)", to: value }));
    const product = tenantProduct(spec, index);
    for (const change of changes) {
      const schema = change.what === product?.schemaRelease;
      // n8n migrates its database forward on start and has no way back: a promotion never downgrades.
      if (schema && compareVersions(change.to, change.from) < 0)
        throw failure(
          "edit/n8n-downgrade",
          `${tenant.name} runs n8n ${change.from} on ${options.to} and ${change.to} on ${options.from}: promoting would downgrade ${options.to}, whose database n8n has migrated to ${change.from}`,
          `bring ${options.from} up to ${change.from} first, or leave ${tenant.name} out (--tenants); going back needs a restore from a backup`,
        );
      out = setScalar(out, ["tenants", index, "clusters", options.to, ...change.what.split(".")], change.to);
      // A schema release moves staged on the target, as tenantctl upgrade moves it (backup, the
      // migrator alone); a target already moving keeps the release its data started from.
      const setting = product?.upgradeFromSetting;
      if (schema && setting !== undefined && movingFrom(target, index) === undefined)
        out = setScalar(out, ["tenants", index, "clusters", options.to, ...setting.split(".")], change.from);
      promotions.push({ tenant: tenant.name, ...change, ...(schema ? { staged: true } : {}) });
    }
  });
  return { text: out, promotions };
}
