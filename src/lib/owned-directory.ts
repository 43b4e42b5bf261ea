/**
 * A directory tenantctl owns and replaces as a whole (`render`'s output, `aws synth`'s cloud
 * assembly). The new tree is built beside the target and swapped in with renames, so a
 * failed run never leaves a half-written directory, and what the new run does not write
 * disappears with the old tree. A non-empty directory without tenantctl's marker is
 * refused: it may hold the user's work.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { failure } from "../diagnostics/diagnostic.js";
import { OWNER_MARKER } from "../manifest/directory.js";

export interface OwnedDirectory {
  /** The command whose output it is, for error codes: `render/output-not-owned`. */
  readonly command: string;
  /** Written into the marker file: what the directory is and that it is replaced as a whole. */
  readonly markerText: string;
}

/** Fills a staging directory with `fill`, then swaps it in for `directory`; returns the real target path. */
export async function replaceOwnedDirectory(
  directory: string,
  owner: OwnedDirectory,
  fill: (staging: string) => Promise<void>,
): Promise<string> {
  const target = await followLink(resolvePath(directory), owner);
  await assertOwned(target, owner);
  const parent = dirname(target);
  await removeStaleStaging(parent, basename(target));
  const suffix = `${uniqueToken()}-${randomBytes(4).toString("hex")}`;
  const staging = join(parent, `.${basename(target)}.tenantctl-new-${suffix}`);
  const retired = join(parent, `.${basename(target)}.tenantctl-old-${suffix}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(staging);
    await writeFile(join(staging, OWNER_MARKER), owner.markerText);
    await fill(staging);
    const existed = await exists(target);
    if (existed) await rename(target, retired);
    try {
      await rename(staging, target);
    } catch (cause) {
      if (existed) await rename(retired, target);
      throw cause;
    }
    if (existed) await rm(retired, { recursive: true, force: true });
    return target;
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    if ((cause as { diagnostics?: unknown }).diagnostics !== undefined) throw cause;
    throw failure(
      `${owner.command}/write-failed`,
      `cannot write the output to ${target}: ${(cause as Error).message}`,
      "check that the directory and its parent are writable; the previous output was left as it was",
      cause,
    );
  }
}

/**
 * `--out` that is a symbolic link: the output goes into the directory it points to; the link
 * itself is never replaced by a directory (the swap renames the real directory).
 */
async function followLink(target: string, owner: OwnedDirectory): Promise<string> {
  try {
    if ((await lstat(target)).isSymbolicLink()) return await realpath(target);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === "ENOENT") return target;
    throw failure(
      `${owner.command}/output-not-owned`,
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

async function assertOwned(target: string, owner: OwnedDirectory): Promise<void> {
  let entries: string[];
  try {
    const info = await stat(target);
    if (!info.isDirectory()) {
      throw failure(
        `${owner.command}/output-not-owned`,
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
    `${owner.command}/output-not-owned`,
    `${target} is not empty and was not written by tenantctl (no ${OWNER_MARKER} file); refusing to replace it`,
    "pass --out with a new or empty directory; tenantctl replaces its output directory as a whole",
  );
}

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
