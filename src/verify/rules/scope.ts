import { LABEL, tenantNamespace } from "../../model/names.js";
import type { VerifyContext } from "../context.js";
import type { Scope } from "../ownership.js";
import type { SourcedObject } from "../input.js";

/**
 * Whose an object is, by the platform's intent: the tenant whose namespace it is in (or
 * whose label it carries, for cluster-scoped objects), the zone of a zone data namespace.
 */
export function scopeOf(ctx: VerifyContext, source: SourcedObject): Scope {
  const { namespace, labels } = source.object.metadata;
  const inNamespace = namespace === undefined ? undefined : ctx.namespaceScope.get(namespace);
  if (inNamespace !== undefined) return inNamespace;
  const labelled = labels?.[LABEL.tenant];
  const tenant =
    labelled === undefined ? undefined : ctx.namespaceScope.get(tenantNamespace(labelled))?.tenant;
  return { tenant, zone: tenant?.zone };
}

/** Objects of a tenant or a zone (in their namespaces, or labelled with a tenant). */
export function scopedObjects(
  ctx: VerifyContext,
  kinds: readonly string[],
): { source: SourcedObject; scope: Scope }[] {
  const out: { source: SourcedObject; scope: Scope }[] = [];
  for (const source of ctx.input.objects) {
    if (!kinds.includes(source.object.kind)) continue;
    const scope = scopeOf(ctx, source);
    if (scope.zone !== undefined) out.push({ source, scope });
  }
  return out;
}

export function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** "a, b, c and 4 more": keeps messages readable when a selector matches hundreds of pods. */
export function summarize(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
