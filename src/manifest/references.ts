/**
 * Object references: how render, verify and deploy name one object, and the one way they
 * describe it to a person.
 */
/** An object by its identity: API version, kind, namespace, name. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

export function refOf(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
  };
}

/** Identity across API versions: group, kind, namespace, name. */
export function keyOf(ref: ObjectRef): string {
  const group = ref.apiVersion.includes("/") ? ref.apiVersion.slice(0, ref.apiVersion.indexOf("/")) : "";
  return `${group}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

/** How reports, findings and errors name an object: `Kind namespace/name`. */
export function describeRef(ref: {
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}): string {
  return `${ref.kind} ${ref.namespace === undefined ? "" : `${ref.namespace}/`}${ref.name}`;
}
