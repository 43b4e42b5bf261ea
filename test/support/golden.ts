import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * Golden files: expected output kept in the repo and compared byte for byte.
 * `UPDATE_GOLDEN=1 npm test` rewrites them; reviewers read the diff.
 */
export const updating = process.env.UPDATE_GOLDEN === "1";

/** Every file under a directory, as relative path → content. */
export function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(root, path), readFileSync(path, "utf8"));
    }
  };
  try {
    walk(root);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  return out;
}

export function writeTree(root: string, files: ReadonlyMap<string, string>): void {
  rmSync(root, { recursive: true, force: true });
  for (const [file, content] of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
}

export function readGolden(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
