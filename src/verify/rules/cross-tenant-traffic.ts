import { findingOf, type VerifyRule } from "../finding.js";
import { explainConnection, objectsOfConnection } from "../network/explain.js";

export const crossTenantTraffic: VerifyRule = {
  id: "cross-tenant-traffic",
  severity: "error",
  title: "Connection between pods of different tenants",
  description:
    "No pod of one tenant may open a connection to a pod of another tenant, in either direction: both the source's egress and the destination's ingress would have to admit it, and this rule reports every pair where both do.",
  check(ctx) {
    return ctx.flows
      .filter(
        (c) =>
          c.source.tenant !== undefined &&
          c.destination.tenant !== undefined &&
          c.source.tenant !== c.destination.tenant,
      )
      .map((c) =>
        findingOf(this, {
          message: `${c.source.id} (tenant ${c.source.tenant}) can connect to ${c.destination.id} (tenant ${c.destination.tenant}): ${c.connections.toString()}`,
          objects: objectsOfConnection(c),
          path: explainConnection(c),
          fix: "narrow the rules on the path to the tenant's own namespace: a peer with only a podSelector, or a namespaceSelector on kubernetes.io/metadata.name; keep the default deny in both namespaces",
          tenant: c.source.tenant,
        }),
      );
  },
};
