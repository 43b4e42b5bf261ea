/**
 * The one place that turns diagnostics into text for people:
 *
 *   examples/platform.yaml:14:15 error spec/unknown-zone
 *     tenants[1].zone: "extrnal" is not a zone of this platform; expected "internal" | "external"
 *        14 |     zone: extrnal
 *           |           ^
 *     hint: declare it under `zones:` or correct the spelling
 */
import type { Diagnostic } from "./diagnostic.js";

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column} ` : "";
  const lines = [`${where}${d.severity} ${d.code}`, `  ${d.message}`];
  const loc = d.location;
  if (loc?.lineText !== undefined) {
    const gutter = String(loc.line).padStart(5);
    lines.push(`${gutter} | ${loc.lineText}`);
    lines.push(`${" ".repeat(5)} | ${" ".repeat(Math.max(0, loc.column - 1))}^`);
  }
  lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}

export const MAX_PRINTED = 100;

export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  // Every problem is counted; the first MAX_PRINTED are shown (a broken 32 MB file can hold 100,000).
  const shown = diagnostics.slice(0, MAX_PRINTED).map(formatDiagnostic);
  if (diagnostics.length > MAX_PRINTED)
    shown.push(`… and ${diagnostics.length - MAX_PRINTED} more (fix these first)`);
  const body = shown.join("\n\n");
  const tally = [`${errors} error${errors === 1 ? "" : "s"}`];
  if (warnings > 0) tally.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return `${body}\n\n${tally.join(", ")}`;
}
