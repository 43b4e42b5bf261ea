import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { scopedObjects } from "./scope.js";

const POWERFUL = ["cluster-admin", "admin"];

export const rbacAdminBinding: VerifyRule = {
  id: "rbac-admin-binding",
  severity: "error",
  title: "Binding to cluster-admin or admin",
  description:
    "No tenant or zone binding may refer to the cluster-admin or admin ClusterRoles: they include secrets of the whole namespace (admin) or the whole cluster (cluster-admin) and RBAC writes.",
  check(ctx) {
    const out: Finding[] = [];
    for (const { source, scope } of scopedObjects(ctx, ["RoleBinding", "ClusterRoleBinding"])) {
      const ref = source.object.roleRef as { kind?: string; name?: string } | undefined;
      if (ref?.kind !== "ClusterRole" || !POWERFUL.includes(ref.name ?? "")) continue;
      out.push(
        findingOf(this, {
          message: `${source.object.kind} ${source.object.metadata.namespace ?? ""}/${source.object.metadata.name} binds the ClusterRole ${ref.name}`,
          objects: [refOf(source)],
          fix: "bind the tenant-admin or tenant-viewer Role that tenantctl renders instead",
          tenant: scope.tenant?.name,
        }),
      );
    }
    return out;
  },
};
