/**
 * Every product a spec can run, by name: n8n, built in, and each product declared under
 * `products:` (the generic service product made of its components). What the model resolves
 * a tenant's product from.
 */
import { own } from "../lib/own.js";
import type { Platform } from "../input/schema.js";
import type { ProductDeclaration } from "./contract/declaration.js";
import { N8N_PRODUCT, n8nDeclaration } from "./n8n/declaration.js";
import { serviceDeclaration } from "./service/declaration.js";

/** The product named `name` in this spec, or undefined when there is none. */
export function productDeclaration(spec: Platform, name: string): ProductDeclaration | undefined {
  if (name === N8N_PRODUCT) return n8nDeclaration;
  const definition = own(spec.products, name);
  return definition === undefined ? undefined : serviceDeclaration(name, definition);
}

/** The names a tenant may choose from. */
export function productNames(spec: Platform): string[] {
  return [N8N_PRODUCT, ...Object.keys(spec.products).sort()];
}
