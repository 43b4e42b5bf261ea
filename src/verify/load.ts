/**
 * What verify reads: a platform.yaml (rendered in memory by the renderer the caller passes:
 * verify judges manifests and knows no renderer), or a rendered directory (the files as they
 * are, e.g. in a pull request, read exactly as Argo CD reads them, judged against the spec
 * copy render left in it, or against `--spec`).
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { failure, isError, TenantctlError } from "../diagnostics/diagnostic.js";
import type { Platform } from "../input/schema.js";
import { formatPath } from "../diagnostics/path.js";
import { SPEC_COPY } from "../manifest/directory.js";
import type { RenderedObject } from "../manifest/rendered.js";
import { resolveClusters } from "../model/resolve-clusters.js";
import { chooseCluster, loadPlatform, validateSpecText } from "../model/load-platform.js";
import type { Model } from "../model/resolve.js";
import type { SourcedObject, VerifyInput } from "./input.js";
import { readArgoCdDirectory } from "./source/argocd-directory.js";
import { type Tenancy, tenancyInput } from "./tenancy.js";

export async function loadVerifyInput(
  target: string,
  options: {
    readonly spec?: string | undefined;
    /** Which cluster of a spec that declares several. */
    readonly cluster?: string | undefined;
    readonly render: (model: Model) => readonly RenderedObject[];
  },
): Promise<VerifyInput> {
  const info = await stat(target).catch((cause: NodeJS.ErrnoException) => {
    throw failure(
      "verify/input-missing",
      `cannot read ${target}: ${cause.code === "ENOENT" ? "no such file or directory" : cause.message}`,
      "pass a platform.yaml or a directory written by `tenantctl render`",
      cause,
    );
  });
  if (!info.isDirectory()) {
    const { model } = await loadPlatform(target, { cluster: options.cluster });
    return { model, objects: options.render(model).map(({ file, object }) => ({ file, object })) };
  }
  const spec =
    options.spec === undefined ? await readSpecCopy(target) : (await loadPlatform(options.spec)).spec;
  const model = chooseCluster(spec, resolveClusters(spec), options.cluster);
  // One of several clusters: what its Argo CD reads is its own directory, nothing beside it.
  const tree = await readArgoCdDirectory(join(target, model.treeRoot));
  const inTree = (file: string) => (model.treeRoot === "" ? file : `${model.treeRoot}/${file}`);
  return {
    model,
    objects: tree.objects.map((o) => ({ ...o, file: inTree(o.file) })),
    unreadable: tree.unreadable.map((u) => ({ ...u, file: inTree(u.file) })),
  };
}

/** A directory of manifests tenantctl did not render, with tenants as `--tenancy` defines them. */
export async function loadTenancyInput(
  target: string,
  tenancy: Tenancy,
  podCidr: string | undefined,
): Promise<VerifyInput> {
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw failure(
      "verify/input-missing",
      `${target} is not a directory; --tenancy reads a directory of manifests`,
      "pass the directory your manifests are in",
    );
  }
  const tree = await readArgoCdDirectory(target);
  return tenancyInput(tree.objects, tree.unreadable, tenancy, podCidr);
}

export async function readSpecCopy(directory: string): Promise<Platform> {
  const file = join(directory, SPEC_COPY);
  const rerender =
    "re-render the directory with `tenantctl render`, or pass the spec with --spec platform.yaml";
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw failure(
      "verify/no-spec",
      code === "ENOENT"
        ? `${directory} has no ${SPEC_COPY}: verify needs the spec the manifests were rendered from`
        : `${file} cannot be read (${code ?? (cause as Error).message})`,
      rerender,
      cause,
    );
  }
  try {
    JSON.parse(text);
  } catch (cause) {
    throw failure(
      "verify/spec-copy-invalid",
      `${file} is not JSON (${(cause as Error).message})`,
      rerender,
      cause,
    );
  }
  // The copy goes through the same pipeline as platform.yaml: schema, rules, derived names.
  const result = validateSpecText(text, file);
  if (result.spec === undefined) {
    const first = result.diagnostics.find(isError);
    throw failure(
      "verify/spec-copy-invalid",
      `${file} is not a valid spec (${first === undefined ? "unknown problem" : `${formatPath(first.path) || "(root)"}: ${first.message}`})`,
      rerender,
    );
  }
  return result.spec;
}

/** The manifests of a directory as Argo CD would apply them; throws when any file cannot be read so. */
export async function readManifests(directory: string): Promise<SourcedObject[]> {
  const tree = await readArgoCdDirectory(directory);
  if (tree.unreadable.length > 0) {
    throw new TenantctlError(
      tree.unreadable.map((u) => ({
        code: "verify/manifest-unreadable",
        severity: "error" as const,
        path: [],
        message: u.message,
        hint: "fix or remove the file",
        location: { file: u.file, line: u.line ?? 1, column: u.column ?? 1 },
      })),
    );
  }
  return [...tree.objects];
}
