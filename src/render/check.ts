/**
 * `render --check`: is the committed tree what the spec renders? Compares every file byte for
 * byte, and counts a file nobody rendered as a difference too: Argo CD would apply it.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { failure } from "../diagnostics/diagnostic.js";
import { forEachLimited } from "../lib/concurrency.js";
import { OWNER_MARKER } from "../manifest/directory.js";

/** Files read at once, as render writes them: enough to hide the file system's latency, few enough for fd limits. */
const READ_CONCURRENCY = 32;

export interface TreeDifference {
  /** Rendered, but different in the directory. */
  readonly changed: readonly string[];
  /** Rendered, absent from the directory. */
  readonly missing: readonly string[];
  /** In the directory, not rendered. */
  readonly extra: readonly string[];
}

export function isSame(difference: TreeDifference): boolean {
  return difference.changed.length + difference.missing.length + difference.extra.length === 0;
}

export async function compareRendered(
  directory: string,
  expected: ReadonlyMap<string, string>,
): Promise<TreeDifference> {
  const present = await listFiles(directory).catch((cause: NodeJS.ErrnoException) => {
    throw failure(
      "render/check-missing",
      `cannot read ${directory}: ${cause.code === "ENOENT" ? "no such directory" : cause.message}`,
      "render the tree first (tenantctl render <spec> --out <dir>) and commit it",
      cause,
    );
  });
  const missing = [...expected.keys()].filter((file) => !present.has(file));
  const changed: string[] = [];
  await forEachLimited(
    [...expected].filter(([file]) => present.has(file)),
    READ_CONCURRENCY,
    async ([file, text]) => {
      if ((await readFile(join(directory, file), "utf8")) !== text) changed.push(file);
    },
  );
  const extra = [...present].filter((file) => !expected.has(file) && file !== OWNER_MARKER);
  return { changed: changed.sort(), missing: missing.sort(), extra: extra.sort() };
}

async function listFiles(directory: string): Promise<Set<string>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return new Set(
    entries
      .filter((e) => !e.isDirectory())
      .map((e) => relative(directory, join(e.parentPath, e.name)).split(sep).join("/")),
  );
}
