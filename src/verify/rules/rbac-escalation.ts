import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { list, scopedObjects } from "./scope.js";

/** Verbs that let a subject grant itself more: RBAC's escalation paths. */
const ESCALATING = ["escalate", "bind", "impersonate", "*"];

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

export const rbacEscalation: VerifyRule = {
  id: "rbac-escalation",
  severity: "error",
  title: "Tenant role can escalate",
  description:
    "No tenant or zone role may hold the escalate, bind or impersonate verbs (or the * verb, which includes them), nor write Roles or RoleBindings: each lets its holder grant itself more than it was given.",
  check(ctx) {
    const out: Finding[] = [];
    for (const { source, scope } of scopedObjects(ctx, ["Role", "ClusterRole"])) {
      for (const [i, rule] of list<PolicyRule>(source.object.rules).entries()) {
        const verbs = rule.verbs ?? [];
        const bad = verbs.filter((v) => ESCALATING.includes(v));
        const writesRbac =
          (rule.apiGroups ?? []).some((g) => g === "rbac.authorization.k8s.io" || g === "*") &&
          verbs.some((v) => ["create", "update", "patch", "*"].includes(v));
        if (bad.length === 0 && !writesRbac) continue;
        out.push(
          findingOf(this, {
            message: `${source.object.kind} ${source.object.metadata.namespace ?? ""}/${source.object.metadata.name} rules[${i}] ${
              bad.length > 0 ? `grants ${bad.map((v) => `"${v}"`).join(", ")}` : "may write RBAC objects"
            } on ${(rule.resources ?? []).join(", ") || "(no resources)"}`,
            objects: [refOf(source)],
            fix: `list the verbs explicitly in rules[${i}] and leave out escalate, bind, impersonate and writes to rbac.authorization.k8s.io`,
            tenant: scope.tenant?.name,
          }),
        );
      }
    }
    return out;
  },
};
