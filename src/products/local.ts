/** What each kind of product runs on one machine: what `up` plans a tenant's processes with. */
import type { ProductKind } from "./contract/declaration.js";
import type { ProductLocal } from "./contract/builders.js";
import { n8nLocal } from "./n8n/local.js";

/** Service products run in the cluster only so far: `up` leaves their tenants out and says so. */
const LOCAL: Readonly<Partial<Record<ProductKind, ProductLocal>>> = {
  n8n: n8nLocal,
};

export function runsLocally(kind: ProductKind): boolean {
  return LOCAL[kind] !== undefined;
}

export function productLocal(kind: ProductKind): ProductLocal {
  const local = LOCAL[kind];
  // `up` selects tenants whose product runs locally only: a missing runner is a tenantctl bug.
  if (local === undefined) throw new Error(`no local processes for products of kind ${kind}`);
  return local;
}
