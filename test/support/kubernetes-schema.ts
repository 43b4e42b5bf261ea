/**
 * Validates rendered objects against their real schemas at the pinned versions:
 * - built-in kinds: the Kubernetes 1.34 OpenAPI schemas, as published by the maintained
 *   `kubernetes-models` package;
 * - custom resources (CloudNativePG, KEDA, External Secrets, prometheus-operator, Argo CD,
 *   Karpenter, Kyverno, cert-manager): the CRDs of the pinned releases, from the projects'
 *   published Go modules (scripts/upstream-crds.sh), the very CRDs the test control plane
 *   installs. They are checked strictly: an unknown field is an error, as the API server's
 *   `fieldValidation=Strict` makes it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import type { KubernetesObject } from "../../src/manifest/object.js";

type Validatable = { validate(): void };
type ModelClass = new (data: unknown) => Validatable;
type Validator = (object: KubernetesObject) => string | undefined;

const cache = new Map<string, Validator>();

async function validatorFor(apiVersion: string, kind: string): Promise<Validator> {
  const key = `${apiVersion}/${kind}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const validator = upstreamCrdSchemas().has(`${apiVersion}/${kind}`)
    ? crdValidator(apiVersion, kind)
    : await modelValidator(apiVersion, kind);
  cache.set(key, validator);
  return validator;
}

async function modelValidator(apiVersion: string, kind: string): Promise<Validator> {
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  const module = (await import(specifier)) as Record<string, ModelClass>;
  const Model = module[kind];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind} in ${specifier}`);
  return (object) => {
    try {
      new Model(structuredClone(object)).validate();
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

let crdSchemas: Map<string, Record<string, unknown>> | undefined;

interface UpstreamCrd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

/** Every served version of every upstream CRD, as `group/version/Kind` → openAPIV3Schema. */
function upstreamCrdSchemas(): Map<string, Record<string, unknown>> {
  if (crdSchemas) return crdSchemas;
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  const listing = execFileSync("bash", [join(repo, "scripts", "upstream-crds.sh")], { encoding: "utf8" });
  crdSchemas = new Map();
  for (const line of listing.trim().split("\n")) {
    const dir = line.slice(line.indexOf(" ") + 1);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
        const crd = doc.toJS() as UpstreamCrd | null;
        if (crd?.kind !== "CustomResourceDefinition") continue;
        for (const version of crd.spec.versions) {
          crdSchemas.set(
            `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
            version.schema.openAPIV3Schema,
          );
        }
      }
    }
  }
  return crdSchemas;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function crdValidator(apiVersion: string, kind: string): Validator {
  const schema = upstreamCrdSchemas().get(`${apiVersion}/${kind}`);
  if (!schema) throw new Error(`no upstream CRD for ${apiVersion} ${kind}`);
  const validate: ValidateFunction = ajv.compile(strict(schema) as object);
  return (object) => (validate(object) ? undefined : ajv.errorsText(validate.errors, { dataVar: kind }));
}

/** Unknown fields are errors (what the API server's Strict field validation does). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== "object" || schema === null) return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "enum" ? v : strict(v)]));
  const closed =
    node.properties !== undefined &&
    node.additionalProperties === undefined &&
    node["x-kubernetes-preserve-unknown-fields"] !== true;
  if (closed) node.additionalProperties = false;
  // Upstream patterns are Go (RE2) regexes; the few that JavaScript cannot read (`(?i)…`) are
  // left to the API server, which the integration tests run against.
  if (typeof node.pattern === "string" && !isJsRegex(node.pattern)) delete node.pattern;
  return node;
}

function isJsRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

/** The schema errors of one object, as "kind/name: message" lines (empty when valid). */
export async function schemaErrors(object: KubernetesObject): Promise<string[]> {
  const error = (await validatorFor(object.apiVersion, object.kind))(object);
  return error === undefined ? [] : [`${object.kind}/${object.metadata.name}: ${error}`];
}
