import { readFile } from "node:fs/promises";
import { LineCounter, parseAllDocuments } from "yaml";
import { type Diagnostic, failure, isError, TenantctlError } from "../diagnostics/diagnostic.js";
import { describeIssue, type Located } from "./issues.js";
import { redactUrlCredentials } from "../lib/url-credentials.js";
import { duplicateKeys } from "./duplicate-keys.js";
import { checkExpansion, MAX_EXPANDED_NODES, MAX_NESTING } from "./expansion.js";
import { Locator } from "./locate.js";
import { checkDerivedNames } from "../model/derived-names.js";
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
  if (text.length > MAX_SPEC_BYTES) {
    return tooLarge(
      file,
      1,
      1,
      `${file} has ${text.length} characters; a platform spec may have at most ${MAX_SPEC_BYTES}`,
    );
  }
  const lineCounter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (cause) {
    // The parser recurses per nesting level; thousands of levels exhaust the stack.
    if (cause instanceof RangeError) return tooLarge(file, 1, 1, `${file} is nested too deeply to parse`);
    throw cause;
  }
  const lines = text.split(/\r?\n/);
  const syntax: Diagnostic[] = [];
  const all = Array.isArray(docs) ? docs : [];
  for (const doc of all) {
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      // The parser recurses per nesting level and reports an exhausted stack as an error.
      const tooDeep = error.message.includes("call stack");
      syntax.push({
        code: tooDeep ? "spec/too-large" : "spec/yaml-syntax",
        severity: "error",
        path: [],
        message: tooDeep
          ? `${file} nests too deeply to parse (at most ${MAX_NESTING} levels are allowed)`
          : `invalid YAML: ${(error.message.split("\n")[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, "")}`,
        hint: tooDeep
          ? "flatten the document"
          : "fix the YAML syntax at this position (indentation, quotes, a duplicate key)",
        location: { file, line, column: col, lineText: redactUrlCredentials(lines[line - 1] ?? "") },
      });
    }
  }
  for (const doc of all) {
    for (const { key, offset } of duplicateKeys(doc)) {
      const { line, col } = lineCounter.linePos(offset);
      syntax.push({
        code: "spec/yaml-syntax",
        severity: "error",
        path: [],
        message: `invalid YAML: the key ${JSON.stringify(key)} appears twice in one mapping`,
        hint: "remove one of the two keys (YAML readers disagree on which one wins)",
        location: { file, line, column: col, lineText: redactUrlCredentials(lines[line - 1] ?? "") },
      });
    }
  }
  if (syntax.length > 0) return { spec: undefined, diagnostics: sortByLocation(syntax) };
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
    const offset = extra?.range?.[0] ?? 0;
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

  const locator = new Locator(doc, lineCounter, file, text);
  const place = (found: Located): Diagnostic => {
    const { key, ...diagnostic } = found;
    const parentPath = key === undefined ? found.path : found.path.slice(0, -1);
    const location = locator.locate(parentPath, key);
    return location === undefined ? diagnostic : { ...diagnostic, location };
  };

  const expansion = checkExpansion(doc);
  if (expansion?.kind === "unresolved-alias") {
    const location = locator.at(expansion.offset);
    return {
      spec: undefined,
      diagnostics: [
        {
          code: "spec/yaml-syntax",
          severity: "error",
          path: [],
          message: `invalid YAML: the alias *${expansion.alias} refers to no anchor &${expansion.alias} before it`,
          hint: "define the anchor before the alias, or write the value out",
          location,
        },
      ],
    };
  }
  if (expansion !== undefined) {
    const { line, column } = locator.at(expansion.offset);
    const message = {
      "too-large": `${file} expands to more than ${MAX_EXPANDED_NODES.toLocaleString("en")} YAML nodes through its aliases (the largest at this position)`,
      "too-deep": `${file} nests deeper than ${MAX_NESTING} levels`,
      "recursive-alias": `${file} has an alias that refers to a node containing itself`,
      "unresolved-alias": "",
    }[expansion.kind];
    return tooLarge(file, line, column, message, locator.at(expansion.offset).lineText);
  }
  const parsed = Platform.safeParse(doc.toJS({ maxAliasCount: -1 }), { reportInput: true });
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.flatMap((issue) => describeIssue(issue, Platform)).map(place);
    return { spec: undefined, diagnostics: sortByLocation(diagnostics) };
  }
  const diagnostics = sortByLocation(
    [...checkRules(parsed.data), ...checkDerivedNames(parsed.data)].map(place),
  );
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

/** Bounds of what a spec may cost to read: the file, and the document once aliases are expanded. */
export const MAX_SPEC_BYTES = 32 * 1024 * 1024;

function tooLarge(
  file: string,
  line: number,
  column: number,
  message: string,
  lineText?: string,
): ValidationResult {
  return {
    spec: undefined,
    diagnostics: [
      {
        code: "spec/too-large",
        severity: "error",
        path: [],
        message,
        hint: "write the values out instead of multiplying them with aliases, or split the platform",
        location: { file, line, column, ...(lineText === undefined ? {} : { lineText }) },
      },
    ],
  };
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
