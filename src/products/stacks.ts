/** The builders of every kind of product, by kind: what the renderer dispatches a tenant's stack to. */
import type { ProductKind } from "./contract/declaration.js";
import type { ProductStack } from "./contract/builders.js";
import { n8nStack } from "./n8n/stack.js";
import { serviceStack } from "./service/stack.js";

const STACKS: Readonly<Record<ProductKind, ProductStack>> = {
  n8n: n8nStack,
  service: serviceStack,
};

export function productStack(kind: ProductKind): ProductStack {
  return STACKS[kind];
}
