/**
 * Roles and ClusterRoles of the input, with aggregated ClusterRoles expanded as the
 * controller-manager expands them: the rules of every ClusterRole whose labels match one of
 * the aggregationRule's clusterRoleSelectors. A role that grants little itself can be made to
 * grant everything by a second ClusterRole that carries the selected label.
 */
import type { SourcedObject } from "../input.js";
import { matches, parseSelector } from "../network/selector.js";
import { list } from "../rules/scope.js";

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
}

const RBAC_GROUP = "rbac.authorization.k8s.io/";

export class RoleIndex {
  private readonly clusterRoles = new Map<string, SourcedObject>();
  private readonly roles = new Map<string, SourcedObject>();

  constructor(objects: readonly SourcedObject[]) {
    for (const source of objects) {
      const { kind, apiVersion, metadata } = source.object;
      if (!apiVersion.startsWith(RBAC_GROUP)) continue;
      if (kind === "ClusterRole") this.clusterRoles.set(metadata.name, source);
      if (kind === "Role") this.roles.set(`${metadata.namespace ?? ""}/${metadata.name}`, source);
    }
  }

  /** The role a binding refers to, if it is in the input. */
  referenced(
    roleRef: { kind?: string; name?: string } | undefined,
    namespace: string | undefined,
  ): SourcedObject | undefined {
    if (roleRef?.kind === "ClusterRole") return this.clusterRoles.get(roleRef.name ?? "");
    if (roleRef?.kind === "Role") return this.roles.get(`${namespace ?? ""}/${roleRef.name ?? ""}`);
    return undefined;
  }

  /** A role's own rules plus, for an aggregated ClusterRole, the rules of every role it aggregates. */
  effectiveRules(role: SourcedObject): { rules: PolicyRule[]; aggregated: string[] } {
    const own = list<PolicyRule>(role.object.rules);
    const aggregation = role.object.aggregationRule as { clusterRoleSelectors?: unknown } | undefined;
    if (role.object.kind !== "ClusterRole" || aggregation === undefined)
      return { rules: own, aggregated: [] };
    const rules = [...own];
    const aggregated = new Set<string>();
    for (const raw of list<unknown>(aggregation.clusterRoleSelectors)) {
      const selector = parseSelector(raw);
      if (typeof selector === "string") continue;
      for (const [name, other] of this.clusterRoles) {
        const labels = (other.object.metadata.labels ?? {}) as Record<string, string>;
        if (other === role || aggregated.has(name) || !matches(selector, labels)) continue;
        aggregated.add(name);
        rules.push(...list<PolicyRule>(other.object.rules));
      }
    }
    return { rules, aggregated: [...aggregated].sort() };
  }
}
