import type { TenantModel } from "../../model/resolve.js";
import type { VerifyContext } from "../context.js";
import type { SourcedObject } from "../input.js";
import { list, scopeOf } from "../rules/scope.js";
import { RoleIndex } from "./roles.js";
import { type Subject, TenantIdentities } from "./subjects.js";

export const BINDING_KINDS = ["RoleBinding", "ClusterRoleBinding"] as const;

export interface TenantBinding {
  readonly source: SourcedObject;
  /** Tenants that gain something through it: by its namespace, or by who it names. */
  readonly tenants: readonly TenantModel[];
}

/** What the RBAC rules share: identities, the role index, every binding a tenant gains through. */
export interface RbacView {
  readonly identities: TenantIdentities;
  readonly roles: RoleIndex;
  readonly bindings: readonly SourcedObject[];
  readonly tenantBindings: readonly TenantBinding[];
}

const views = new WeakMap<VerifyContext, RbacView>();

export function rbacView(ctx: VerifyContext): RbacView {
  const cached = views.get(ctx);
  if (cached !== undefined) return cached;
  const identities = new TenantIdentities(ctx.model, ctx.namespaceScope);
  const bindings = ctx.input.objects.filter(
    (o) =>
      (BINDING_KINDS as readonly string[]).includes(o.object.kind) &&
      o.object.apiVersion.startsWith("rbac.authorization.k8s.io/"),
  );
  const tenantBindings: TenantBinding[] = [];
  for (const source of bindings) {
    const namespace = source.object.metadata.namespace;
    const tenants = new Set<TenantModel>();
    const scoped = scopeOf(ctx, source).tenant;
    if (scoped !== undefined) tenants.add(scoped);
    for (const subject of list<Subject>(source.object.subjects)) {
      for (const t of identities.ownersOf(subject, namespace)) tenants.add(t);
    }
    if (tenants.size > 0) tenantBindings.push({ source, tenants: [...tenants] });
  }
  const view = { identities, roles: new RoleIndex(ctx.input.objects), bindings, tenantBindings };
  views.set(ctx, view);
  return view;
}
