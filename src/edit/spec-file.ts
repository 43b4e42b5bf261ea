/**
 * One edit of a spec file: read it, refuse an invalid one, make the edit, validate the result
 * as every command would read it, and only then replace the file (written beside it and
 * renamed over it, so that a reader never sees half of it). A refused edit leaves it untouched.
 */
import { realpath, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { failure, TenantctlError } from "../diagnostics/diagnostic.js";
import { parseSpecText, readSpecText } from "../input/load.js";
import type { Platform } from "../input/schema.js";
import { lineDiff } from "../lib/line-diff.js";
import { validateSpecText } from "../model/load-platform.js";
import { EditRefused } from "./yaml-text.js";

export interface EditResult {
  /** Whether the file changed (false: the spec already said so). */
  readonly changed: boolean;
  /** The change as diff lines (`-` removed, `+` added, ` ` kept around it). */
  readonly diff: readonly string[];
}

export async function editSpecFile(
  file: string,
  edit: (text: string, spec: Platform) => string,
  options: { readonly dryRun?: boolean } = {},
): Promise<EditResult> {
  const text = await readSpecText(file);
  // The schema is enough to find what to edit; the rules judge the result (an edit cannot
  // make a spec that breaks them valid, so an invalid one is refused after the edit, unchanged).
  const before = parseSpecText(text, file);
  if (before.spec === undefined) throw new TenantctlError(before.diagnostics);
  let edited: string;
  try {
    edited = edit(text, before.spec);
  } catch (cause) {
    if (cause instanceof EditRefused)
      throw failure("edit/refused", `${file}: ${cause.message}`, "make this change by hand", cause);
    throw cause;
  }
  if (edited === text) return { changed: false, diff: [] };
  const after = validateSpecText(edited, file);
  // The edit is judged as the file it would become: its errors point at lines of that text.
  if (after.spec === undefined)
    throw new TenantctlError([
      ...after.diagnostics,
      {
        code: "edit/refused",
        severity: "error",
        path: [],
        message: `${file} was left unchanged: the edited spec would not be valid`,
        hint: "fix what the errors above name, or make the change by hand",
      },
    ]);
  const diff = lineDiff(text.split("\n"), edited.split("\n"));
  if (options.dryRun !== true) {
    // Through a link to the file it names: the link stays a link.
    const target = await realpath(file);
    const temporary = join(dirname(target), `.${basename(target)}.tenantctl-edit`);
    await writeFile(temporary, edited, { mode: (await stat(target)).mode & 0o777 });
    await rename(temporary, target);
  }
  return { changed: true, diff };
}
