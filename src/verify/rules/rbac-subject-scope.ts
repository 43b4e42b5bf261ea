/**
 * RBAC judged by who is bound, wherever the binding sits and whatever labels it carries: a
 * tenant's groups and service accounts gain rights only inside the tenant's namespace, and
 * no binding names a built-in identity that stands for everyone (system:authenticated, …).
 */
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { rbacView } from "../rbac/bindings.js";
import { list } from "./scope.js";
import { describeSubject, isBroadSystemSubject, type Subject } from "../rbac/subjects.js";

export const rbacSubjectScope: VerifyRule = {
  id: "rbac-subject-scope",
  severity: "error",
  title: "A binding grants a tenant's identities rights outside its namespace, or grants to everyone",
  description:
    "Every RoleBinding and ClusterRoleBinding is judged by its subjects: a tenant's admin and viewer groups and its service accounts may be bound only by RoleBindings in the tenant's own namespace, never by a ClusterRoleBinding or in another tenant's namespace; no binding may name system:authenticated, system:unauthenticated, system:serviceaccounts, system:nodes, system:masters or another system: identity.",
  check(ctx) {
    const out: Finding[] = [];
    const { identities, bindings } = rbacView(ctx);
    for (const source of bindings) {
      const { kind, metadata } = source.object;
      const where =
        kind === "ClusterRoleBinding" ? "cluster-wide" : `in namespace ${metadata.namespace ?? "(none)"}`;
      const name = `${kind} ${metadata.namespace === undefined ? "" : `${metadata.namespace}/`}${metadata.name}`;
      for (const subject of list<Subject>(source.object.subjects)) {
        if (isBroadSystemSubject(subject, metadata.namespace)) {
          out.push(
            findingOf(this, {
              message: `${name} binds ${describeSubject(subject)}: it grants ${where} to an identity that stands for many (every tenant included)`,
              objects: [refOf(source)],
              fix: "bind named groups or service accounts of one tenant, in that tenant's namespace",
            }),
          );
          continue;
        }
        for (const tenant of identities.ownersOf(subject, metadata.namespace)) {
          const own = tenant.namespace;
          const inOwn =
            metadata.namespace !== undefined && ctx.namespaceScope.get(metadata.namespace)?.tenant === tenant;
          if (kind === "RoleBinding" && inOwn) continue;
          out.push(
            findingOf(this, {
              message: `${name} grants ${describeSubject(subject)} of tenant ${tenant.name} rights ${where}, outside its namespace ${own}`,
              objects: [refOf(source)],
              fix: `remove the subject, or grant it with a RoleBinding in ${own}`,
              tenant: tenant.name,
            }),
          );
        }
      }
    }
    return out;
  },
};
