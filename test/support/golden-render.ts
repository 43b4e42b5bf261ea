/** A golden spec rendered for the render tests: its model, its objects, a tenant's, one by kind and name. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { KubernetesObject } from "../../src/manifest/object.js";
import type { RenderedObject } from "../../src/manifest/rendered.js";
import { type Model, resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { validSpec } from "./example.js";

export function renderedGolden(name: string): {
  text: string;
  model: Model;
  objects: RenderedObject[];
  of: (tenant: string) => KubernetesObject[];
} {
  const text = readFileSync(
    fileURLToPath(new URL(`../golden/${name}/platform.yaml`, import.meta.url)),
    "utf8",
  );
  const model = resolve(validSpec(text));
  const objects = renderModel(model);
  const of = (tenant: string) =>
    objects.filter((o) => o.object.metadata.namespace === `tenant-${tenant}`).map((o) => o.object);
  return { text, model, objects, of };
}

/** The object of that kind and name in the list; throws naming it when there is none. */
export function findObject(list: readonly KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`${kind}/${name}`);
  return found;
}
