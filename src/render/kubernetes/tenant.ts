import type { Model, TenantModel } from "../../model/resolve.js";
import { renderNamespace } from "./namespace.js";
import { renderAllowDns, renderDefaultDeny } from "./network-policy.js";
import type { KubernetesObject } from "./object.js";
import { renderLimitRange, renderResourceQuota } from "./quota.js";
import { renderTenantRbac } from "./rbac.js";

/** Everything of one tenant that lives in Kubernetes. */
export function renderTenant(model: Model, tenant: TenantModel): KubernetesObject[] {
  return [
    renderNamespace(model, tenant),
    renderResourceQuota(tenant),
    renderLimitRange(tenant),
    renderDefaultDeny(tenant),
    renderAllowDns(tenant),
    ...renderTenantRbac(tenant),
  ];
}
