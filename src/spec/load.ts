import { readFile } from "node:fs/promises";
import { LineCounter, parseAllDocuments } from "yaml";
import { type Diagnostic, failure, isError, TenantctlError } from "../diagnostics/diagnostic.js";
import { describeIssue, type Located } from "./issues.js";
import { locate } from "./locate.js";
import { checkRules } from "./rules.js";
import { Platform } from "./schema.js";

export interface ValidationResult {
  /** The parsed spec, when it has no error (warnings may remain). */
  readonly spec: Platform | undefined;
  /** Every problem found, errors and warnings, each with its line:column. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadedSpec {
  readonly spec: Platform;
  readonly file: string;
  readonly warnings: readonly Diagnostic[];
}

/** Parses and validates spec text; never throws for a problem of the spec itself. */
export function validateSpecText(text: string, file: string): ValidationResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const syntax: Diagnostic[] = [];
  const all = Array.isArray(docs) ? docs : [];
  for (const doc of all) {
    for (const error of doc.errors) {
      const [line = 1, column = 1] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [];
      syntax.push({
        code: "spec/yaml-syntax",
        severity: "error",
        path: [],
        message: `invalid YAML: ${(error.message.split("\n")[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, "")}`,
        hint: "fix the YAML syntax at this position (indentation, quotes, a duplicate key)",
        location: { file, line, column, lineText: text.split(/\r?\n/)[line - 1] ?? "" },
      });
    }
  }
  if (syntax.length > 0) return { spec: undefined, diagnostics: syntax };
  const doc = all[0];
  if (doc === undefined || doc.contents === null) {
    return {
      spec: undefined,
      diagnostics: [
        {
          code: "spec/empty",
          severity: "error",
          path: [],
          message: `${file} holds no document`,
          hint: "start from examples/platform.yaml",
          location: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  if (all.length > 1) {
    const extra = all[1];
    const offset = extra?.range[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return {
      spec: undefined,
      diagnostics: [
        {
          code: "spec/multiple-documents",
          severity: "error",
          path: [],
          message: `${file} holds ${all.length} YAML documents; a platform spec is exactly one`,
          hint: "remove the extra `---` documents",
          location: { file, line, column: col },
        },
      ],
    };
  }

  const place = (found: Located): Diagnostic => {
    const { key, ...diagnostic } = found;
    const parentPath = key === undefined ? found.path : found.path.slice(0, -1);
    const location = locate(doc, lineCounter, file, text, parentPath, key);
    return location === undefined ? diagnostic : { ...diagnostic, location };
  };

  const parsed = Platform.safeParse(doc.toJS({ maxAliasCount: 1000 }), { reportInput: true });
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.flatMap((issue) => describeIssue(issue, Platform)).map(place);
    return { spec: undefined, diagnostics: sortByLocation(diagnostics) };
  }
  const diagnostics = sortByLocation(checkRules(parsed.data).map(place));
  return { spec: diagnostics.some(isError) ? undefined : parsed.data, diagnostics };
}

/** Reads and validates a spec file; throws a TenantctlError carrying every error found. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const result = validateSpecText(await readSpecText(file), file);
  if (result.spec === undefined) throw new TenantctlError(result.diagnostics);
  return { spec: result.spec, file, warnings: result.diagnostics };
}

export async function readSpecText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw failure(
      "input/unreadable",
      `cannot read the spec ${file}: ${code === "ENOENT" ? "no such file" : (cause as Error).message}`,
      "pass the path of a platform.yaml, for example examples/platform.yaml",
      cause,
    );
  }
}

function sortByLocation(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (a.d.location?.line ?? 0) - (b.d.location?.line ?? 0) ||
        (a.d.location?.column ?? 0) - (b.d.location?.column ?? 0) ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}
