import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { rbacView } from "../rbac/bindings.js";
import { scopedObjects } from "./scope.js";

const POWERFUL = ["cluster-admin", "admin"];

export const rbacAdminBinding: VerifyRule = {
  id: "rbac-admin-binding",
  severity: "error",
  title: "Binding to cluster-admin or admin",
  description:
    "No tenant or zone binding, and no binding that names a tenant's identities, may refer to the cluster-admin or admin ClusterRoles: they include secrets of the whole namespace (admin) or the whole cluster (cluster-admin) and RBAC writes.",
  check(ctx) {
    const out: Finding[] = [];
    const candidates = new Map(
      scopedObjects(ctx, ["RoleBinding", "ClusterRoleBinding"]).map(({ source, scope }) => [
        source,
        scope.tenant?.name,
      ]),
    );
    for (const { source, tenants } of rbacView(ctx).tenantBindings)
      if (!candidates.has(source)) candidates.set(source, tenants[0]?.name);
    for (const [source, tenant] of candidates) {
      const ref = source.object.roleRef as { kind?: string; name?: string } | undefined;
      if (ref?.kind !== "ClusterRole" || !POWERFUL.includes(ref.name ?? "")) continue;
      out.push(
        findingOf(this, {
          message: `${source.object.kind} ${source.object.metadata.namespace ?? ""}/${source.object.metadata.name} binds the ClusterRole ${ref.name}`,
          objects: [refOf(source)],
          fix: "bind the tenant-admin or tenant-viewer Role that tenantctl renders instead",
          tenant,
        }),
      );
    }
    return out;
  },
};
