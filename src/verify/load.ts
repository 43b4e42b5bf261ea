import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { CORE_SCHEMA, loadAll } from "js-yaml";
import { LineCounter, parseAllDocuments } from "yaml";
import { type Diagnostic, failure, TenantctlError } from "../diagnostics/diagnostic.js";
import { forEachLimited } from "../lib/concurrency.js";
import { resolve } from "../model/resolve.js";
import type { KubernetesObject } from "../render/kubernetes/object.js";
import { renderModel } from "../render/render.js";
import { SPEC_COPY } from "../render/write.js";
import { loadSpec } from "../spec/load.js";
import { Platform } from "../spec/schema.js";
import type { SourcedObject, VerifyInput } from "./input.js";

/**
 * What verify reads: a platform.yaml (rendered in memory), or a rendered directory (the
 * files as they are, e.g. in a pull request, judged against the spec copy render left in
 * it, or against `--spec`). Every unreadable manifest is reported at once, with line:column.
 */
export async function loadVerifyInput(target: string, specFile?: string): Promise<VerifyInput> {
  const info = await stat(target).catch((cause: NodeJS.ErrnoException) => {
    throw failure(
      "verify/input-missing",
      `cannot read ${target}: ${cause.code === "ENOENT" ? "no such file or directory" : cause.message}`,
      "pass a platform.yaml or a directory written by `tenantctl render`",
      cause,
    );
  });
  if (!info.isDirectory()) {
    const model = resolve((await loadSpec(target)).spec);
    return { model, objects: renderModel(model).map(({ file, object }) => ({ file, object })) };
  }
  const spec = specFile === undefined ? await readSpecCopy(target) : (await loadSpec(specFile)).spec;
  return { model: resolve(spec), objects: await readManifests(target) };
}

async function readSpecCopy(directory: string): Promise<Platform> {
  const file = join(directory, SPEC_COPY);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw failure(
      "verify/no-spec",
      `${directory} has no ${SPEC_COPY}: verify needs the spec the manifests were rendered from`,
      "re-render the directory with `tenantctl render`, or pass the spec with --spec platform.yaml",
    );
  }
  const parsed = Platform.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw failure(
      "verify/spec-copy-invalid",
      `${file} is not a valid spec (${parsed.error.issues[0]?.message ?? "unknown problem"})`,
      "re-render the directory with this version of tenantctl, or pass --spec platform.yaml",
    );
  }
  return parsed.data;
}

/** Files read at once: enough to hide the file system's latency, few enough for fd limits. */
const READ_CONCURRENCY = 64;

/**
 * Every YAML document under `directory` (dot files and dot directories skipped). Parsed by
 * js-yaml (core schema, 12× faster than the document model on 37,680 files); a file that
 * fails, or holds something that is not a manifest, is parsed again by `yaml` for exact
 * line:column positions. Every problem is reported at once.
 */
export async function readManifests(directory: string): Promise<SourcedObject[]> {
  const paths = (await listYaml(directory)).sort();
  const perFile: SourcedObject[][] = new Array(paths.length);
  const problems: Diagnostic[][] = new Array(paths.length);
  const indexed = paths.map((path, index) => ({ path, index }));
  await forEachLimited(indexed, READ_CONCURRENCY, async ({ path, index }) => {
    const file = relative(directory, path).split(sep).join("/");
    const text = await readFile(path, "utf8");
    const fast = fastParse(text, file);
    if (fast !== undefined) {
      perFile[index] = fast;
      return;
    }
    const slow = preciseParse(text, file);
    perFile[index] = slow.objects;
    problems[index] = slow.problems;
  });
  const all = problems.flat().filter((p) => p !== undefined);
  if (all.length > 0) throw new TenantctlError(all);
  return perFile.flat();
}

function fastParse(text: string, file: string): SourcedObject[] | undefined {
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const out: SourcedObject[] = [];
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    if (!isManifest(doc)) return undefined;
    out.push({ file, object: doc });
  }
  return out;
}

function preciseParse(text: string, file: string): { objects: SourcedObject[]; problems: Diagnostic[] } {
  const objects: SourcedObject[] = [];
  const problems: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    const at = (offset: number) => {
      const { line, col } = lineCounter.linePos(offset);
      return { file, line, column: col, lineText: text.split(/\r?\n/)[line - 1] ?? "" };
    };
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({
          code: "verify/yaml-syntax",
          severity: "error",
          path: [],
          message: `invalid YAML: ${error.message.split("\n")[0]}`,
          hint: "fix the YAML syntax at this position",
          location: at(error.pos[0]),
        });
      }
      continue;
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (!isManifest(value)) {
      problems.push({
        code: "verify/not-a-manifest",
        severity: "error",
        path: [],
        message: "this document is not a Kubernetes object (it needs apiVersion, kind and metadata.name)",
        hint: "remove it or complete it; verify reads every YAML file in the directory",
        location: at(doc.range[0]),
      });
      continue;
    }
    objects.push({ file, object: value });
  }
  return { objects, problems };
}

function isManifest(value: unknown): value is KubernetesObject {
  const o = value as Partial<KubernetesObject> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.kind === "string" &&
    typeof o.apiVersion === "string" &&
    typeof o.metadata?.name === "string"
  );
}

async function listYaml(directory: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(directory, entry.name);
    // A loop, not push(...list): 5,000 tenants give 185,000 files, too many arguments for one call.
    if (entry.isDirectory()) for (const file of await listYaml(path)) out.push(file);
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}
