import type { KubernetesObject } from "../../src/manifest/object.js";
import type { SourcedObject } from "../../src/verify/input.js";

/**
 * Edits of a manifest in a test, by dotted path ("spec.ingress.0.from"): the mutation tests
 * break one field at a time without typing every Kubernetes kind.
 */
type Container = Record<string, unknown> | unknown[];

function parentOf(object: unknown, path: string): { parent: Container; key: string } {
  const keys = path.split(".");
  const key = keys.pop() as string;
  let at: unknown = object;
  for (const k of keys) {
    at = (at as Record<string, unknown>)[k];
    if (typeof at !== "object" || at === null) throw new Error(`no object at ${k} of ${path}`);
  }
  return { parent: at as Container, key };
}

export function set(object: unknown, path: string, value: unknown): void {
  const { parent, key } = parentOf(object, path);
  (parent as Record<string, unknown>)[key] = value;
}

export function push(object: unknown, path: string, value: unknown): void {
  const { parent, key } = parentOf(object, path);
  const list = (parent as Record<string, unknown>)[key];
  if (!Array.isArray(list)) throw new Error(`${path} is not a list`);
  list.push(value);
}

/**
 * A copy of rendered objects to break, and a lookup by file. Cloned one by one: rendered
 * objects share constant parts (a security context), and a clone of the whole list would
 * keep them shared, so one edit would break every tenant.
 */
export function editableCopy(objects: readonly SourcedObject[]): {
  objects: SourcedObject[];
  find: (file: string) => KubernetesObject;
} {
  const copy = objects.map(({ file, object }) => ({ file, object: structuredClone(object) }));
  const find = (file: string) => {
    const found = copy.find((o) => o.file === file);
    if (found === undefined) throw new Error(`no rendered file ${file}`);
    return found.object;
  };
  return { objects: copy, find };
}
