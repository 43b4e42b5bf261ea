import type { Model } from "../model/resolve.js";
import type { KubernetesObject } from "../render/kubernetes/object.js";

/** A manifest and the file (relative to the rendered directory) it came from. */
export interface SourcedObject {
  readonly file: string;
  readonly object: KubernetesObject;
}

/** What verify works on: the platform's intent (the model) and the manifests as they are. */
export interface VerifyInput {
  readonly model: Model;
  readonly objects: readonly SourcedObject[];
}

/** How findings and reports name an object: `Kind namespace/name`. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly file?: string;
}

export function refOf(source: SourcedObject): ObjectRef {
  const { kind, metadata } = source.object;
  return {
    kind,
    name: metadata.name,
    ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
    file: source.file,
  };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? "" : `${ref.namespace}/`}${ref.name}`;
}
