import { tenantNamespace } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";

export const tenantQuotaMissing: VerifyRule = {
  id: "tenant-quota-missing",
  severity: "error",
  title: "Tenant namespace without ResourceQuota or LimitRange",
  description:
    "Every tenant namespace needs a ResourceQuota (so one tenant cannot take the cluster) and a LimitRange (so a container without requests still gets bounded defaults).",
  check(ctx) {
    const out: Finding[] = [];
    for (const tenant of ctx.model.tenants) {
      const namespace = tenantNamespace(tenant.name);
      const objects = ctx.objectsIn(namespace);
      const has = (kind: string) => objects.some((o) => o.object.kind === kind);
      const ns = objects.find((o) => o.object.kind === "Namespace");
      for (const kind of ["ResourceQuota", "LimitRange"]) {
        if (has(kind)) continue;
        out.push(
          findingOf(this, {
            message: `namespace ${namespace} of tenant ${tenant.name} has no ${kind}`,
            objects: ns === undefined ? [] : [refOf(ns)],
            fix: `add a ${kind} to ${namespace} (tenantctl renders it from the tenant's quota)`,
            tenant: tenant.name,
          }),
        );
      }
    }
    return out;
  },
};
