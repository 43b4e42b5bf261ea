/** A finding of the rules, placed by its path into the spec (load-platform gives it its line:column). */
import type { PathSegment, Severity } from "../diagnostics/diagnostic.js";
import type { Located } from "../input/issues.js";

export function problem(
  code: string,
  path: readonly PathSegment[],
  message: string,
  hint: string,
  severity: Severity = "error",
): Located {
  return { code, severity, path, message, hint };
}
