/** What each product in the catalogue runs on one machine, by name: what `up` plans a tenant's processes with. */
import type { ProductLocal } from "./contract/builders.js";
import { N8N_PRODUCT } from "./n8n/declaration.js";
import { n8nLocal } from "./n8n/local.js";

const LOCAL: Readonly<Record<string, ProductLocal>> = {
  [N8N_PRODUCT]: n8nLocal,
};

export function productLocal(product: string): ProductLocal {
  const local = LOCAL[product];
  // The model resolves products from the catalogue only: a missing runner is a tenantctl bug.
  if (local === undefined) throw new Error(`no local processes for the product ${product}`);
  return local;
}
