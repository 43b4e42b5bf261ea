/**
 * The manifests Argo CD's directory source (recurse: true) would apply from a directory, read
 * the way it reads them, so that verify judges exactly what reaches the cluster:
 * - every file named `*.yaml`, `*.yml`, `*.json` or `*.jsonnet`, dot files and dot
 *   directories included (Argo CD skips neither);
 * - YAML decoded with sigs.k8s.io/yaml's semantics (YAML 1.1 scalars, merge keys);
 * - any object with an `items` list (`kind: List`, `ConfigMapList`, …) unpacked into its items,
 *   as Argo CD does before applying.
 * What verify cannot read identically (jsonnet, which Argo CD evaluates; an unreadable file, a
 * dangling link or a link loop; invalid YAML; a document that is not an object) is returned as
 * a problem, and the `manifest-unreadable` rule makes it an error: never silently skipped.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { forEachLimited } from "../../lib/concurrency.js";
import type { KubernetesObject } from "../../manifest/object.js";
import type { SourcedObject, UnreadableManifest } from "../input.js";
import { apiServerRefusal } from "./api-server-refusals.js";
import { loadKubernetesYaml, UnsupportedYamlValue } from "./kubernetes-yaml.js";

export const ARGOCD_MANIFEST_FILE = /\.(ya?ml|json|jsonnet)$/;

export interface ManifestTree {
  readonly objects: readonly SourcedObject[];
  readonly unreadable: readonly UnreadableManifest[];
}

/** Files read at once: enough to hide the file system's latency, few enough for fd limits. */
const READ_CONCURRENCY = 64;

export async function readArgoCdDirectory(directory: string): Promise<ManifestTree> {
  const { files, unreadable } = await listManifestFiles(directory);
  files.sort();
  const perFile: ManifestTree[] = new Array(files.length);
  await forEachLimited(
    files.map((path, index) => ({ path, index })),
    READ_CONCURRENCY,
    async ({ path, index }) => {
      const file = relative(directory, path).split(sep).join("/");
      perFile[index] = await readManifestFile(path, file);
    },
  );
  return {
    objects: perFile.flatMap((t) => t.objects),
    unreadable: [...unreadable, ...perFile.flatMap((t) => t.unreadable)],
  };
}

async function readManifestFile(path: string, file: string): Promise<ManifestTree> {
  if (file.endsWith(".jsonnet")) {
    return problemOnly(
      file,
      "Argo CD evaluates jsonnet files; verify cannot evaluate jsonnet, so it cannot judge what this file would apply",
    );
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    return problemOnly(file, `cannot be read: ${describeFsError(cause)}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (file.endsWith(".json") && /^\s*[[{]/.test(text))
    return fromDocuments(file, parseJsonStream(text, file));
  let docs: unknown[];
  try {
    docs = loadKubernetesYaml(text);
  } catch (cause) {
    if (cause instanceof UnsupportedYamlValue) return problemOnly(file, cause.message);
    return { objects: [], unreadable: yamlProblems(text, file) };
  }
  return fromDocuments(file, { docs, unreadable: [] });
}

function fromDocuments(
  file: string,
  parsed: { docs: unknown[]; unreadable: UnreadableManifest[] },
): ManifestTree {
  const objects: SourcedObject[] = [];
  const unreadable = [...parsed.unreadable];
  const accept = (object: KubernetesObject, where: string) => {
    const refusal = apiServerRefusal(object);
    if (refusal === undefined) objects.push({ file, object });
    else unreadable.push({ file, message: `${refusal}${where}` });
  };
  parsed.docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    const where = parsed.docs.length > 1 ? ` (document ${index + 1})` : "";
    if (isListObject(doc)) {
      doc.items.forEach((item, i) => {
        if (isManifest(item) && !isListObject(item)) accept(item, ` (items[${i}]${where})`);
        else
          unreadable.push({
            file,
            message: `items[${i}]${where}: ${isListObject(item) ? "a list inside a list is not applied as objects" : NOT_A_MANIFEST}`,
          });
      });
      return;
    }
    if (isManifest(doc)) accept(doc, where);
    else unreadable.push({ file, message: `${NOT_A_MANIFEST}${where}` });
  });
  return { objects, unreadable };
}

const NOT_A_MANIFEST = "not a Kubernetes object (it needs apiVersion, kind and metadata.name as strings)";

/** apimachinery's Unstructured.IsList: any object whose `items` is a list. */
function isListObject(value: unknown): value is { items: unknown[] } {
  return typeof value === "object" && value !== null && Array.isArray((value as { items?: unknown }).items);
}

function isManifest(value: unknown): value is KubernetesObject {
  const o = value as Partial<KubernetesObject> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    !Array.isArray(o) &&
    typeof o.kind === "string" &&
    typeof o.apiVersion === "string" &&
    typeof o.metadata?.name === "string"
  );
}

/** A JSON file: one value, or a stream of values as apimachinery's JSON decoder reads them. */
function parseJsonStream(text: string, file: string): { docs: unknown[]; unreadable: UnreadableManifest[] } {
  try {
    return { docs: [JSON.parse(text) as unknown], unreadable: [] };
  } catch (cause) {
    return { docs: [], unreadable: [{ file, message: `invalid JSON: ${(cause as Error).message}` }] };
  }
}

/** Exact positions of YAML errors, from the `yaml` parser in YAML 1.1 mode (the slow path). */
function yamlProblems(text: string, file: string): UnreadableManifest[] {
  const lineCounter = new LineCounter();
  const out: UnreadableManifest[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false, version: "1.1" })) {
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      out.push({ file, line, column: col, message: `invalid YAML: ${error.message.split("\n")[0] ?? ""}` });
    }
  }
  // js-yaml refused what `yaml` accepts (an alias limit, a tag): still never skipped.
  return out.length > 0 ? out : [{ file, message: "invalid YAML (the Kubernetes YAML decoder refuses it)" }];
}

function problemOnly(file: string, message: string): ManifestTree {
  return { objects: [], unreadable: [{ file, message }] };
}

/**
 * Walks like Go's filepath.Walk: directories are entered (a directory named `x.yaml` too), a
 * link to a directory is not; a link to a file is read through. Links that dangle or loop,
 * and entries that cannot be listed, are problems with their path.
 */
async function listManifestFiles(
  root: string,
): Promise<{ files: string[]; unreadable: UnreadableManifest[] }> {
  const files: string[] = [];
  const unreadable: UnreadableManifest[] = [];
  const rootReal = await realpath(root);
  const visit = async (directory: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (cause) {
      unreadable.push({
        file: relative(root, directory) || ".",
        message: `cannot be listed: ${describeFsError(cause)}`,
      });
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (ARGOCD_MANIFEST_FILE.test(entry.name)) {
        const problem = entry.isSymbolicLink() ? await linkProblem(path, rootReal) : undefined;
        if (problem === undefined) files.push(path);
        else unreadable.push({ file: relative(root, path).split(sep).join("/"), message: problem });
      }
    }
  };
  await visit(root);
  return { files, unreadable };
}

/** Argo CD refuses a link that leaves the repository; one that dangles or loops cannot be read. */
async function linkProblem(path: string, rootReal: string): Promise<string | undefined> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (cause) {
    return `is a symbolic link that cannot be followed: ${describeFsError(cause)}`;
  }
  if (target !== rootReal && !target.startsWith(`${rootReal}${sep}`)) {
    return `is a symbolic link to ${target}, outside the directory: Argo CD refuses links that leave the repository`;
  }
  if ((await stat(target)).isDirectory()) {
    return "is a symbolic link to a directory named like a manifest: Argo CD would try to read it as a file";
  }
  return undefined;
}

function describeFsError(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: "it points to nothing (a dangling link)",
    ELOOP: "a loop of symbolic links",
    EACCES: "permission denied",
    EISDIR: "it is a directory",
  };
  return (
    (code !== undefined ? known[code] : undefined) ?? (cause instanceof Error ? cause.message : String(cause))
  );
}
