import type { Platform } from "../input/schema.js";
import { clusterViews } from "./clusters.js";
import { registryOf } from "./registry.js";
import { type Model, resolve } from "./resolve.js";

/** A Model per cluster, in the order the spec declares them (one for a spec without clusters:). */
export function resolveClusters(spec: Platform): Model[] {
  return clusterViews(spec).map((view) =>
    resolve(view.spec, { treeRoot: view.root, registry: registryOf(spec, view.key) }),
  );
}
