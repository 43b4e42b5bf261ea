import { tenantNamespace } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { list, scopedObjects } from "./scope.js";

interface Destination {
  namespace?: string;
  server?: string;
  name?: string;
}

/** A tenant's Argo CD project deploys into the tenant's namespace only, and nothing cluster-scoped. */
export const argocdProjectScope: VerifyRule = {
  id: "argocd-project-scope",
  severity: "error",
  title: "Tenant Argo CD project reaches beyond its namespace",
  description:
    "A tenant's AppProject may name only the tenant's namespace as destination (no wildcards, no other namespaces) and whitelist no cluster-scoped resources.",
  check(ctx) {
    const out: Finding[] = [];
    for (const { source, scope } of scopedObjects(ctx, ["AppProject"])) {
      const tenant = scope.tenant;
      if (tenant === undefined) continue;
      const own = tenantNamespace(tenant.name);
      const spec = (source.object.spec ?? {}) as Record<string, unknown>;
      const problem = (message: string, fix: string) =>
        out.push(findingOf(this, { message, objects: [refOf(source)], fix, tenant: tenant.name }));
      const destinations = list<Destination>(spec.destinations);
      if (destinations.length === 0)
        problem(
          `AppProject ${source.object.metadata.name} has no destination`,
          `add the destination namespace ${own}`,
        );
      for (const [i, d] of destinations.entries()) {
        if (d.namespace !== own) {
          problem(
            `AppProject ${source.object.metadata.name} spec.destinations[${i}] allows namespace "${d.namespace ?? "(any)"}", not only ${own}`,
            `set spec.destinations[${i}].namespace to ${own}`,
          );
        }
        if (d.server === "*" || d.name === "*") {
          problem(
            `AppProject ${source.object.metadata.name} spec.destinations[${i}] allows every cluster`,
            "name the cluster explicitly",
          );
        }
      }
      const clusterWide = list<{ group?: string; kind?: string }>(spec.clusterResourceWhitelist);
      if (clusterWide.length > 0) {
        problem(
          `AppProject ${source.object.metadata.name} whitelists cluster-scoped resources (${clusterWide.map((r) => `${r.group || "core"}/${r.kind}`).join(", ")})`,
          "set spec.clusterResourceWhitelist: []",
        );
      }
    }
    return out;
  },
};
