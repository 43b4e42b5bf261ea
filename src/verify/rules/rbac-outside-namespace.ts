import { tenantNamespace } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { list, scopedObjects } from "./scope.js";

/** A tenant's access ends at its namespace: no cluster-wide grants, no bindings elsewhere. */
export const rbacOutsideNamespace: VerifyRule = {
  id: "rbac-outside-namespace",
  severity: "error",
  title: "Tenant RBAC reaches beyond its namespace",
  description:
    "A tenant's Roles and RoleBindings live in its own namespace; no ClusterRole or ClusterRoleBinding belongs to a tenant; a tenant's RoleBinding grants nothing to service accounts of other namespaces.",
  check(ctx) {
    const out: Finding[] = [];
    for (const { source, scope } of scopedObjects(ctx, [
      "Role",
      "RoleBinding",
      "ClusterRole",
      "ClusterRoleBinding",
    ])) {
      const tenant = scope.tenant;
      if (tenant === undefined) continue;
      const own = tenantNamespace(tenant.name);
      const { kind, metadata } = source.object;
      const problem = (message: string, fix: string) =>
        out.push(findingOf(this, { message, objects: [refOf(source)], fix, tenant: tenant.name }));
      if (kind === "ClusterRole" || kind === "ClusterRoleBinding") {
        problem(
          `${kind} ${metadata.name} belongs to tenant ${tenant.name}: it grants cluster-wide`,
          `use a Role and RoleBinding in ${own}`,
        );
        continue;
      }
      if (metadata.namespace !== own) {
        problem(
          `${kind} ${metadata.namespace ?? "(no namespace)"}/${metadata.name} belongs to tenant ${tenant.name} but is outside its namespace ${own}`,
          `move it to ${own}`,
        );
      }
      for (const subject of list<{ kind?: string; name?: string; namespace?: string }>(
        source.object.subjects,
      )) {
        if (subject.kind === "ServiceAccount" && (subject.namespace ?? metadata.namespace) !== own) {
          problem(
            `RoleBinding ${metadata.namespace}/${metadata.name} grants tenant ${tenant.name}'s access to service account ${subject.namespace}/${subject.name}`,
            `bind only service accounts of ${own}`,
          );
        }
      }
    }
    return out;
  },
};
