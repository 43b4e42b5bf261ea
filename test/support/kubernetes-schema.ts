/**
 * Validates rendered objects against the official Kubernetes OpenAPI schemas of the pinned
 * version, as published by the maintained `kubernetes-models` package (Kubernetes 1.34).
 * Custom resources are validated by their own packages (see customResourceValidators).
 */
import type { KubernetesObject } from "../../src/render/kubernetes/object.js";

type Validatable = { validate(): void };
type ModelClass = new (data: unknown) => Validatable;

const cache = new Map<string, ModelClass>();

export async function modelClassFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const key = `${apiVersion}/${kind}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  const module = (await import(specifier)) as Record<string, ModelClass>;
  const found = module[kind];
  if (!found) throw new Error(`no schema for ${key} in ${specifier}`);
  cache.set(key, found);
  return found;
}

/** The schema errors of one object, as "kind/name: message" lines (empty when valid). */
export async function schemaErrors(object: KubernetesObject): Promise<string[]> {
  const Model = await modelClassFor(object.apiVersion, object.kind);
  try {
    new Model(structuredClone(object)).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata.name}: ${(error as Error).message}`];
  }
}
