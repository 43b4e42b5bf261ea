/** The builders of every product in the catalogue, by name: what the renderer dispatches a tenant's stack to. */
import type { ProductStack } from "./contract/builders.js";
import { N8N_PRODUCT } from "./n8n/declaration.js";
import { n8nStack } from "./n8n/stack.js";

const STACKS: Readonly<Record<string, ProductStack>> = {
  [N8N_PRODUCT]: n8nStack,
};

export function productStack(product: string): ProductStack {
  const stack = STACKS[product];
  // The model resolves products from the catalogue only: a missing builder is a tenantctl bug.
  if (stack === undefined) throw new Error(`no builders for the product ${product}`);
  return stack;
}
