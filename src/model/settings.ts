import type { PathSegment } from "../diagnostics/diagnostic.js";
import { productDeclaration } from "../products/catalogue.js";
import type { ProductDeclaration } from "../products/contract/declaration.js";
import { BUILTIN_SETTINGS, type EffectiveSettings } from "./defaults.js";
import type { Platform } from "../input/schema.js";

/** Keys of a tenant entry that say who it is and where it runs rather than how it runs. */
const IDENTITY_KEYS = new Set(["name", "zone", "hostname", "clusters"]);

/**
 * A tenant's effective settings: built-in defaults < the spec's `defaults:` < the tenant's
 * own keys. Objects merge key by key; arrays and scalars are replaced whole.
 */
export function effectiveSettings(spec: Platform, tenantIndex: number): EffectiveSettings {
  const tenant = spec.tenants[tenantIndex];
  const own = Object.fromEntries(Object.entries(tenant ?? {}).filter(([key]) => !IDENTITY_KEYS.has(key)));
  return merge(merge(BUILTIN_SETTINGS, spec.defaults ?? {}), own) as EffectiveSettings;
}

/**
 * Where an effective value was set: the tenant's own path, else `defaults.…`, else the
 * tenant itself (a built-in default). Diagnostics point at the line the user can change.
 */
export function sourceOf(spec: Platform, tenantIndex: number, path: readonly string[]): PathSegment[] {
  if (settingAt(spec.tenants[tenantIndex], path) !== undefined) return ["tenants", tenantIndex, ...path];
  if (settingAt(spec.defaults, path) !== undefined) return ["defaults", ...path];
  return ["tenants", tenantIndex];
}

/** The value at a path of settings (or a spec's tenant, its defaults), undefined where the path ends early. */
export function settingAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

export function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The tenant's hostname: its own, else `<tenant>.<cluster domain>`. */
export function tenantHostname(spec: Platform, tenantIndex: number): string {
  const tenant = spec.tenants[tenantIndex];
  return tenant?.hostname ?? `${tenant?.name ?? ""}.${spec.cluster.domain}`;
}

/** The name of the product a tenant runs: its own `product`, else `defaults.product`, else n8n. */
export function effectiveProductName(spec: Platform, tenantIndex: number): string {
  return spec.tenants[tenantIndex]?.product ?? spec.defaults?.product ?? BUILTIN_SETTINGS.product;
}

/** The product a tenant runs, or undefined when it names none of the spec's (spec/unknown-product). */
export function tenantProduct(spec: Platform, tenantIndex: number): ProductDeclaration | undefined {
  return productDeclaration(spec, effectiveProductName(spec, tenantIndex));
}
