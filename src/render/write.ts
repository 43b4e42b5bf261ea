/**
 * Writes rendered objects into a directory that tenantctl owns (replaced as a whole, see
 * lib/owned-directory.ts), with the spec copy verify reads beside the manifests.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { forEachLimited } from "../lib/concurrency.js";
import { groupBy } from "../lib/group-by.js";
import { replaceOwnedDirectory } from "../lib/owned-directory.js";
import type { Platform } from "../input/schema.js";
import { SPEC_COPY } from "../manifest/directory.js";
import type { RenderedObject } from "../manifest/rendered.js";
import { toYaml } from "../manifest/serialize.js";

const MARKER_TEXT =
  "This directory is written by `tenantctl render` and replaced as a whole on every render.\nDo not edit files here; change platform.yaml instead.\n";

/** Files written at once: enough to hide the file system's latency, few enough for fd limits. */
const WRITE_CONCURRENCY = 32;

export interface WriteResult {
  readonly directory: string;
  readonly files: number;
}

/** Every file render writes (path → text), the spec copy included, the directory's marker not. */
export function renderedFiles(objects: readonly RenderedObject[], spec?: Platform): Map<string, string> {
  const files = new Map<string, string>();
  if (spec !== undefined) files.set(SPEC_COPY, `${JSON.stringify(spec, null, 2)}\n`);
  for (const [file, list] of groupBy(objects, (o) => o.file))
    files.set(file, list.map((o) => toYaml(o.object)).join("---\n"));
  return files;
}

export async function writeRendered(
  directory: string,
  objects: readonly RenderedObject[],
  spec?: Platform,
): Promise<WriteResult> {
  const files = renderedFiles(objects, spec);
  const target = await replaceOwnedDirectory(
    directory,
    { command: "render", markerText: MARKER_TEXT },
    async (staging) => {
      const dirs = new Set([...files.keys()].map((f) => dirname(join(staging, f))));
      for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
      await forEachLimited([...files], WRITE_CONCURRENCY, ([file, text]) =>
        writeFile(join(staging, file), text),
      );
    },
  );
  return { directory: target, files: files.size - (spec === undefined ? 0 : 1) };
}
