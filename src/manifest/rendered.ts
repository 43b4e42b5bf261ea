import type { KubernetesObject } from "./object.js";

/** One rendered object and the file (relative to the output directory) it goes to. */
export interface RenderedObject {
  readonly file: string;
  readonly tenant: string | undefined;
  readonly object: KubernetesObject;
}
