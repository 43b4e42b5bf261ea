/** Every product tenantctl can run, by name: what the model resolves a tenant's product from. */
import type { ProductDeclaration } from "./contract/declaration.js";
import { n8nDeclaration } from "./n8n/declaration.js";

export const PRODUCTS: Readonly<Record<string, ProductDeclaration>> = {
  [n8nDeclaration.name]: n8nDeclaration,
};

/** Until a spec can name the product of a tenant, every tenant runs n8n. */
export const DEFAULT_PRODUCT = n8nDeclaration.name;
