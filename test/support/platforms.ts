import { readFileSync } from "node:fs";
import { type Model, resolve } from "../../src/model/resolve.js";
import type { RenderedObject } from "../../src/manifest/rendered.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "./example.js";
import { exampleSpecText } from "./spec-text.js";

/** The two reviewed platforms: the example, and one with every other mode (golden/shared-services). */
export const SHARED_SERVICES_SPEC = new URL("../golden/shared-services/platform.yaml", import.meta.url);
/** The products example: the generic service product (two products) next to n8n tenants. */
export const PRODUCTS_SPEC = new URL("../../examples/products.yaml", import.meta.url);

export const PLATFORMS: readonly { name: string; text: () => string }[] = [
  { name: "example", text: exampleSpecText },
  { name: "shared-services", text: () => readFileSync(SHARED_SERVICES_SPEC, "utf8") },
  { name: "products", text: () => readFileSync(PRODUCTS_SPEC, "utf8") },
];

export type PlatformName = "example" | "shared-services" | "products";

export function platform(name: PlatformName): { model: Model; objects: RenderedObject[] } {
  const entry = PLATFORMS.find((p) => p.name === name);
  if (!entry) throw new Error(name);
  const spec = validSpec(entry.text());
  return { model: resolve(spec), objects: render(spec) };
}
