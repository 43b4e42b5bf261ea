import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { failure } from "../diagnostics/diagnostic.js";
import { forEachLimited } from "../lib/concurrency.js";
import { groupBy } from "../lib/group-by.js";
import type { Platform } from "../spec/schema.js";
import type { RenderedObject } from "./render.js";
import { toYaml } from "./serialize.js";

/**
 * Writes rendered objects into a directory that tenantctl owns. The whole tree is built
 * beside the target and swapped in with renames, so a failed render never leaves a
 * half-written directory, and a removed tenant's files disappear with the old tree.
 * A non-empty directory without tenantctl's marker is refused: it may hold the user's work.
 */
export const OWNER_MARKER = ".tenantctl-output";
/**
 * The validated spec, as JSON, beside the manifests: `verify <dir>` judges the files against
 * the intent they were rendered from. No extension, so Argo CD's directory source skips it.
 */
export const SPEC_COPY = ".tenantctl-spec";
const MARKER_TEXT =
  "This directory is written by `tenantctl render` and replaced as a whole on every render.\nDo not edit files here; change platform.yaml instead.\n";

export interface WriteResult {
  readonly directory: string;
  readonly files: number;
}

export async function writeRendered(
  directory: string,
  objects: readonly RenderedObject[],
  spec?: Platform,
): Promise<WriteResult> {
  const target = resolvePath(directory);
  await assertOwned(target);
  const parent = dirname(target);
  const suffix = `${uniqueToken()}-${randomBytes(4).toString("hex")}`;
  const staging = join(parent, `.${basename(target)}.tenantctl-new-${suffix}`);
  const retired = join(parent, `.${basename(target)}.tenantctl-old-${suffix}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(staging);
    await writeFile(join(staging, OWNER_MARKER), MARKER_TEXT);
    if (spec !== undefined) await writeFile(join(staging, SPEC_COPY), `${JSON.stringify(spec, null, 2)}\n`);
    const byFile = groupBy(objects, (o) => o.file);
    const dirs = new Set([...byFile.keys()].map((f) => dirname(join(staging, f))));
    for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
    await forEachLimited([...byFile], WRITE_CONCURRENCY, ([file, list]) =>
      writeFile(join(staging, file), list.map((o) => toYaml(o.object)).join("---\n")),
    );
    const existed = await exists(target);
    if (existed) await rename(target, retired);
    try {
      await rename(staging, target);
    } catch (cause) {
      if (existed) await rename(retired, target);
      throw cause;
    }
    if (existed) await rm(retired, { recursive: true, force: true });
    return { directory: target, files: byFile.size };
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    throw failure(
      "render/write-failed",
      `cannot write the rendered output to ${target}: ${(cause as Error).message}`,
      "check that the directory and its parent are writable; the previous output was left as it was",
      cause,
    );
  }
}

async function assertOwned(target: string): Promise<void> {
  let entries: string[];
  try {
    const info = await stat(target);
    if (!info.isDirectory()) {
      throw failure(
        "render/output-not-owned",
        `${target} exists and is not a directory`,
        "pass --out with a new or tenantctl-owned directory",
      );
    }
    entries = await readdir(target);
  } catch (cause) {
    if ((cause as { code?: string }).code === "ENOENT") return;
    throw cause;
  }
  if (entries.length === 0 || entries.includes(OWNER_MARKER)) return;
  throw failure(
    "render/output-not-owned",
    `${target} is not empty and was not written by tenantctl (no ${OWNER_MARKER} file); refusing to replace it`,
    "pass --out with a new or empty directory; tenantctl replaces its output directory as a whole",
  );
}

/** Files written at once: enough to hide the file system's latency, few enough for fd limits. */
const WRITE_CONCURRENCY = 32;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

let counter = 0;
/** A per-call unique token without reading the process global (only cli/ does that). */
function uniqueToken(): string {
  counter += 1;
  return `${Date.now().toString(36)}${counter}`;
}
