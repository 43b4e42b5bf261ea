/**
 * A tenant's directory delivers into its namespace only. A cluster-scoped object there (a
 * ClusterRoleBinding, a webhook, a CRD) would apply cluster-wide through the tenant's
 * applications; the one exception is the tenant's own Namespace, which its baseline creates.
 */
import { tenantNamespace } from "../../model/names.js";
import { isClusterScoped } from "../cluster-scoped.js";
import { findingOf, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";

const TENANT_FILE = /^tenants\/([^/]+)\//;

export const tenantClusterScoped: VerifyRule = {
  id: "tenant-cluster-scoped",
  severity: "error",
  title: "Cluster-scoped object in a tenant's directory",
  description:
    "Nothing under tenants/ may be cluster-scoped except the tenant's own Namespace: Argo CD would apply it to the whole cluster from a directory that belongs to one tenant.",
  check(ctx) {
    return ctx.input.objects.flatMap((source) => {
      const match = TENANT_FILE.exec(source.file);
      const { kind, metadata } = source.object;
      if (match === null || !isClusterScoped(kind)) return [];
      const tenant = match[1] ?? "";
      if (kind === "Namespace" && metadata.name === tenantNamespace(tenant)) return [];
      return [
        findingOf(this, {
          message: `${kind} ${metadata.name} is cluster-scoped but sits in tenant ${tenant}'s directory ${source.file}`,
          objects: [refOf(source)],
          fix: "remove it; cluster-wide objects belong to the cluster layer (clusters/<cluster>/), rendered from platform.yaml",
          tenant: ctx.namespaceScope.get(tenantNamespace(tenant))?.tenant?.name,
        }),
      ];
    });
  },
};
