/**
 * Every tenant and zone data namespace needs a policy that selects all its pods
 * (`podSelector: {}`) for Ingress and for Egress with nothing allowed: then a pod added
 * later, with labels no allowance names, is still isolated.
 */
import { groupBy } from "../../lib/group-by.js";
import { LABEL } from "../../model/names.js";
import { findingOf, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { endpointRef } from "../network/explain.js";
import type { Direction } from "../network/policies.js";
import { summarize } from "./scope.js";

export const defaultDenyMissing: VerifyRule = {
  id: "default-deny-missing",
  severity: "error",
  title: "Namespace without a default deny",
  description:
    "Each tenant and zone data namespace must have a NetworkPolicy with an empty podSelector for Ingress and for Egress. Without it, a pod that no allowance selects is open in that direction.",
  check(ctx) {
    const out = [];
    const podsOf = groupBy(ctx.scopedEndpoints, (e) => e.namespace);
    const wholeNamespacePolicies = groupBy(ctx.reachability.policies, (p) =>
      p.podSelector.requirements.length === 0 ? p.namespace : undefined,
    );
    const namespaces = new Set(podsOf.keys());
    for (const source of ctx.input.objects) {
      if (source.object.kind === "Namespace" && source.object.metadata.labels?.[LABEL.zone] !== undefined) {
        namespaces.add(source.object.metadata.name);
      }
    }
    for (const namespace of [...namespaces].sort()) {
      const wholeNamespace = wholeNamespacePolicies.get(namespace) ?? [];
      const missing = (["ingress", "egress"] as Direction[]).filter(
        (d) => !wholeNamespace.some((p) => p[d] !== undefined),
      );
      if (missing.length === 0) continue;
      const pods = podsOf.get(namespace) ?? [];
      const open = pods.filter((e) => missing.some((d) => ctx.reachability.policiesOf(e, d).length === 0));
      const namespaceObject = ctx.objectsIn(namespace).find((o) => o.object.kind === "Namespace");
      out.push(
        findingOf(this, {
          message: `namespace ${namespace} has no default deny for ${missing.join(" and ")}${
            open.length === 0 ? "" : `; open now: ${summarize(open.map((e) => e.id))}`
          }`,
          objects: [
            ...(namespaceObject === undefined ? [] : [refOf(namespaceObject)]),
            ...open.map(endpointRef),
          ],
          path: missing.map(
            (d) => `no NetworkPolicy in ${namespace} selects every pod (podSelector: {}) for ${d}`,
          ),
          fix: `add a NetworkPolicy in ${namespace} with podSelector: {} and policyTypes [${missing
            .map((d) => (d === "ingress" ? "Ingress" : "Egress"))
            .join(", ")}] and no rules (tenantctl renders it as default-deny-all)`,
          tenant: pods[0]?.tenant,
        }),
      );
    }
    return out;
  },
};
