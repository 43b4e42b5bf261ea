import type { SourcedObject } from "../input.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { rbacView } from "../rbac/bindings.js";
import { scopedObjects } from "./scope.js";

/** Verbs that let a subject grant itself more: RBAC's escalation paths. */
const ESCALATING = ["escalate", "bind", "impersonate", "*"];

export const rbacEscalation: VerifyRule = {
  id: "rbac-escalation",
  severity: "error",
  title: "Tenant role can escalate",
  description:
    "No tenant or zone role, and no role a tenant is bound to (aggregated ClusterRoles expanded), may hold the escalate, bind or impersonate verbs (or the * verb, which includes them), nor write Roles or RoleBindings: each lets its holder grant itself more than it was given.",
  check(ctx) {
    const out: Finding[] = [];
    const { roles, tenantBindings } = rbacView(ctx);
    const judged = new Map<SourcedObject, string | undefined>();
    for (const { source, scope } of scopedObjects(ctx, ["Role", "ClusterRole"]))
      judged.set(source, scope.tenant?.name);
    for (const { source, tenants } of tenantBindings) {
      const role = roles.referenced(
        source.object.roleRef as { kind?: string; name?: string },
        source.object.metadata.namespace,
      );
      if (role !== undefined && !judged.has(role)) judged.set(role, tenants[0]?.name);
    }
    for (const [source, tenant] of judged) {
      const { rules, aggregated } = roles.effectiveRules(source);
      const through = aggregated.length > 0 ? ` (aggregating ${aggregated.join(", ")})` : "";
      for (const [i, rule] of rules.entries()) {
        const verbs = rule.verbs ?? [];
        const bad = verbs.filter((v) => ESCALATING.includes(v));
        const writesRbac =
          (rule.apiGroups ?? []).some((g) => g === "rbac.authorization.k8s.io" || g === "*") &&
          verbs.some((v) => ["create", "update", "patch", "*"].includes(v));
        if (bad.length === 0 && !writesRbac) continue;
        out.push(
          findingOf(this, {
            message: `${source.object.kind} ${source.object.metadata.namespace ?? ""}/${source.object.metadata.name}${through} rules[${i}] ${
              bad.length > 0 ? `grants ${bad.map((v) => `"${v}"`).join(", ")}` : "may write RBAC objects"
            } on ${(rule.resources ?? []).join(", ") || "(no resources)"}`,
            objects: [refOf(source)],
            fix:
              aggregated.length > 0
                ? `remove the aggregated roles' escalating rules or the aggregationRule of ${source.object.metadata.name}`
                : `list the verbs explicitly in rules[${i}] and leave out escalate, bind, impersonate and writes to rbac.authorization.k8s.io`,
            tenant,
          }),
        );
      }
    }
    return out;
  },
};
