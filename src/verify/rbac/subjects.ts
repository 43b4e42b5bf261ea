import type { Model, TenantModel } from "../../model/resolve.js";

/**
 * Who a RoleBinding subject is, as Kubernetes' authorizer sees it: RBAC is judged by the
 * identities it grants to, never by the labels or the directory of the binding.
 */
export interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Built-in identities that stand for many (every authenticated user, every service account,
 * every node, cluster admins) or for nobody in particular (anonymous). No binding in the
 * platform's manifests may name them: a grant to them is a grant to every tenant at once.
 */
const BROAD_GROUPS = new Set([
  "system:authenticated",
  "system:unauthenticated",
  "system:serviceaccounts",
  "system:nodes",
  "system:masters",
  "system:bootstrappers",
  "system:monitoring",
]);

export function isBroadSystemSubject(subject: Subject, bindingNamespace: string | undefined): boolean {
  const name = subject.name ?? "";
  if (subject.kind === "Group") {
    if (BROAD_GROUPS.has(name)) return true;
    // Every service account of a namespace: broad unless it is the binding's own namespace.
    const sa = /^system:serviceaccounts:(.+)$/.exec(name);
    if (sa !== null) return sa[1] !== bindingNamespace;
    return name.startsWith("system:");
  }
  if (subject.kind === "User") {
    if (/^system:serviceaccount:/.test(name)) return false; // a service account: judged by its namespace
    return name.startsWith("system:");
  }
  return false;
}

/** Tenant identities: its admin and viewer groups, its service accounts (in any spelling). */
export class TenantIdentities {
  private readonly byGroup = new Map<string, TenantModel[]>();
  private readonly byNamespace = new Map<string, TenantModel>();

  constructor(model: Model, namespaceScope: ReadonlyMap<string, { tenant: TenantModel | undefined }>) {
    for (const [namespace, scope] of namespaceScope)
      if (scope.tenant !== undefined) this.byNamespace.set(namespace, scope.tenant);
    for (const tenant of model.tenants) {
      for (const group of new Set([...tenant.settings.admins, ...tenant.settings.viewers])) {
        this.byGroup.set(group, [...(this.byGroup.get(group) ?? []), tenant]);
      }
    }
  }

  /** The tenants a subject belongs to (a group two tenants share belongs to both). */
  ownersOf(subject: Subject, bindingNamespace: string | undefined): readonly TenantModel[] {
    const name = subject.name ?? "";
    if (subject.kind === "Group") {
      const sa = /^system:serviceaccounts:(.+)$/.exec(name);
      if (sa !== null) return this.tenantOfNamespace(sa[1]);
      return this.byGroup.get(name) ?? [];
    }
    if (subject.kind === "ServiceAccount")
      return this.tenantOfNamespace(subject.namespace ?? bindingNamespace);
    if (subject.kind === "User") {
      const sa = /^system:serviceaccount:([^:]+):/.exec(name);
      if (sa !== null) return this.tenantOfNamespace(sa[1]);
    }
    return [];
  }

  private tenantOfNamespace(namespace: string | undefined): readonly TenantModel[] {
    const tenant = namespace === undefined ? undefined : this.byNamespace.get(namespace);
    return tenant === undefined ? [] : [tenant];
  }
}

export function describeSubject(subject: Subject): string {
  const ns =
    subject.kind === "ServiceAccount" && subject.namespace !== undefined ? `${subject.namespace}/` : "";
  return `${subject.kind ?? "(no kind)"} ${ns}${subject.name ?? "(no name)"}`;
}
