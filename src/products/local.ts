/** What each kind of product runs on one machine: what `up` plans a tenant's processes with. */
import type { ProductKind } from "./contract/declaration.js";
import type { ProductLocal } from "./contract/builders.js";
import type { TenantModel } from "../model/resolve.js";
import { n8nLocal } from "./n8n/local.js";
import { componentsWithoutLocal, serviceLocal } from "./service/local.js";

const LOCAL: Readonly<Record<ProductKind, ProductLocal>> = {
  n8n: n8nLocal,
  service: serviceLocal,
};

/**
 * Why a tenant cannot run on this machine, or undefined when it can: a service product runs
 * locally when every component says how (`local:`); `up` leaves the others out and says so.
 */
export function notLocal(tenant: TenantModel): string | undefined {
  if (tenant.product.kind !== "service") return undefined;
  const missing = componentsWithoutLocal(tenant);
  if (missing.length === 0) return undefined;
  return `component${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of ${tenant.product.name} declare${missing.length === 1 ? "s" : ""} no local: command`;
}

export function productLocal(kind: ProductKind): ProductLocal {
  return LOCAL[kind];
}
