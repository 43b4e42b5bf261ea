/**
 * Writes rendered objects into a directory that tenantctl owns. The whole tree is built
 * beside the target and swapped in with renames, so a failed render never leaves a
 * half-written directory, and a removed tenant's files disappear with the old tree.
 * A non-empty directory without tenantctl's marker is refused: it may hold the user's work.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { failure } from "../diagnostics/diagnostic.js";
import { forEachLimited } from "../lib/concurrency.js";
import { groupBy } from "../lib/group-by.js";
import type { Platform } from "../input/schema.js";
import { OWNER_MARKER, SPEC_COPY } from "../manifest/directory.js";
import type { RenderedObject } from "../manifest/rendered.js";
import { toYaml } from "../manifest/serialize.js";

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
  const target = await followLink(resolvePath(directory));
  await assertOwned(target);
  const parent = dirname(target);
  await removeStaleStaging(parent, basename(target));
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

/**
 * `--out` that is a symbolic link: the output goes into the directory it points to; the link
 * itself is never replaced by a directory (the swap renames the real directory).
 */
async function followLink(target: string): Promise<string> {
  try {
    if ((await lstat(target)).isSymbolicLink()) return await realpath(target);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === "ENOENT") return target;
    throw failure(
      "render/output-not-owned",
      `${target} is a symbolic link that cannot be followed (${code ?? (cause as Error).message})`,
      "point --out at a directory, or fix the link",
      cause,
    );
  }
  return target;
}

/** A staging or retired directory older than this was left by a render that was killed. */
const STALE_AFTER_MS = 10 * 60 * 1000;

/** Removes what killed renders left beside the target: only our own names, old enough, empty or with our marker. */
async function removeStaleStaging(parent: string, base: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const ours = new RegExp(
    `^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.tenantctl-(new|old)-[a-z0-9]+-[0-9a-f]{8}$`,
  );
  for (const entry of entries.filter((e) => ours.test(e))) {
    const path = join(parent, entry);
    try {
      const info = await stat(path);
      if (!info.isDirectory() || Date.now() - info.mtimeMs < STALE_AFTER_MS) continue;
      const inside = await readdir(path);
      if (inside.length === 0 || inside.includes(OWNER_MARKER))
        await rm(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to read: leave it.
    }
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
