import type { Model } from "../model/resolve.js";
import type { KubernetesObject } from "../manifest/object.js";
import type { AwsLayer } from "./aws/templates.js";

/** A manifest and the file (relative to the rendered directory) it came from. */
export interface SourcedObject {
  readonly file: string;
  readonly object: KubernetesObject;
}

/** A file, or a part of one, that verify could not read as Argo CD would apply it. */
export interface UnreadableManifest {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** What verify works on: the platform's intent (the model) and the manifests as they are. */
export interface VerifyInput {
  readonly model: Model;
  readonly objects: readonly SourcedObject[];
  /** What could not be read identically to Argo CD: each an error finding, never skipped. */
  readonly unreadable?: readonly UnreadableManifest[];
  /** For manifests tenantctl did not render (`--tenancy`): namespace → the tenant it belongs to. */
  readonly tenancy?: ReadonlyMap<string, string>;
  /** The synthesized AWS layer (`verify --aws <dir>`): the aws-* rules judge it beside the manifests. */
  readonly aws?: AwsLayer;
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
