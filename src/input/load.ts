/**
 * Reading platform.yaml: YAML syntax, size bounds and the schema, each problem with its
 * line:column. Nothing here decides anything; the rules that need effective settings run in
 * the model (src/model/load-platform.ts), placed on the same lines by `place`.
 */
import { readFile } from "node:fs/promises";
import { LineCounter, parseAllDocuments } from "yaml";
import { type Diagnostic, failure, type SourceLocation } from "../diagnostics/diagnostic.js";
import { describeIssue, type Located } from "./issues.js";
import { duplicateKeys } from "./duplicate-keys.js";
import { checkExpansion, type ExpansionProblem, MAX_EXPANDED_NODES, MAX_NESTING } from "./expansion.js";
import { Locator, SourceText } from "./locate.js";
import { Platform } from "./schema.js";

export interface ParsedSpec {
  /** The spec, when YAML and schema accept it. */
  readonly spec: Platform | undefined;
  /** Every problem found so far, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Gives a problem found later (by a path into the spec) its line:column in this text. */
  readonly place: (found: Located) => Diagnostic;
  /** The document as plain data, when it is YAML the schema refused (for the rules that can still read it). */
  readonly written?: unknown;
}

/** Parses spec text and checks it against the schema; never throws for a problem of the spec itself. */
export function parseSpecText(text: string, file: string): ParsedSpec {
  const yaml = parseYaml(text, file);
  if ("refused" in yaml) return yaml.refused;
  const { doc, source } = yaml;
  const locator = new Locator(doc, source);
  const place = (found: Located): Diagnostic => {
    const { key, ...diagnostic } = found;
    const parentPath = key === undefined ? found.path : found.path.slice(0, -1);
    const location = locator.locate(parentPath, key);
    return location === undefined ? diagnostic : { ...diagnostic, location };
  };
  const expansion = checkExpansion(doc);
  if (expansion !== undefined) return refused(expansionProblem(expansion, source));
  const written: unknown = doc.toJS({ maxAliasCount: -1 });
  const parsed = Platform.safeParse(written, { reportInput: true });
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.flatMap((issue) => describeIssue(issue, Platform)).map(place);
    return { spec: undefined, diagnostics: sortByLocation(diagnostics), place, written };
  }
  return { spec: parsed.data, diagnostics: [], place };
}

type Document = Extract<ReturnType<typeof parseAllDocuments>, readonly unknown[]>[number];

/** The one YAML document of the text, or why there is none: too large, invalid, empty, several. */
function parseYaml(
  text: string,
  file: string,
): { readonly doc: Document; readonly source: SourceText } | { readonly refused: ParsedSpec } {
  const start = { file, line: 1, column: 1 };
  if (text.length > MAX_SPEC_BYTES) {
    return {
      refused: refused(
        tooLarge(
          `${file} has ${text.length} characters; a platform spec may have at most ${MAX_SPEC_BYTES}`,
          start,
        ),
      ),
    };
  }
  const lineCounter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (cause) {
    // The parser recurses per nesting level; thousands of levels exhaust the stack.
    if (cause instanceof RangeError)
      return { refused: refused(tooLarge(`${file} is nested too deeply to parse`, start)) };
    throw cause;
  }
  const source = new SourceText(file, text, lineCounter);
  const all = Array.isArray(docs) ? docs : [];
  const syntax = all.flatMap((doc) => syntaxProblems(doc, source));
  if (syntax.length > 0)
    return { refused: { spec: undefined, diagnostics: sortByLocation(syntax), place: unplaced } };
  const doc = all[0];
  if (doc === undefined || doc.contents === null) {
    return {
      refused: refused({
        code: "spec/empty",
        severity: "error",
        path: [],
        message: `${file} holds no document`,
        hint: "start from examples/platform.yaml",
        location: start,
      }),
    };
  }
  if (all.length > 1) {
    const { line, column } = source.at(all[1]?.range?.[0] ?? 0);
    return {
      refused: refused({
        code: "spec/multiple-documents",
        severity: "error",
        path: [],
        message: `${file} holds ${all.length} YAML documents; a platform spec is exactly one`,
        hint: "remove the extra `---` documents",
        location: { file, line, column },
      }),
    };
  }
  return { doc, source };
}

/** The parser's errors and the duplicate keys of one document, each at its position. */
function syntaxProblems(doc: Document, source: SourceText): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const error of doc.errors) {
    const at = source.at(error.pos[0]);
    // The parser also reports an exhausted stack (deep nesting) as an error of the document.
    out.push(
      error.message.includes("call stack")
        ? tooLarge(
            `${source.file} nests too deeply to parse (at most ${MAX_NESTING} levels are allowed)`,
            at,
            "flatten the document",
          )
        : yamlSyntax(
            `invalid YAML: ${(error.message.split("\n")[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, "")}`,
            "fix the YAML syntax at this position (indentation, quotes, a duplicate key)",
            at,
          ),
    );
  }
  for (const { key, offset } of duplicateKeys(doc)) {
    out.push(
      yamlSyntax(
        `invalid YAML: the key ${JSON.stringify(key)} appears twice in one mapping`,
        "remove one of the two keys (YAML readers disagree on which one wins)",
        source.at(offset),
      ),
    );
  }
  return out;
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

/** A problem that stops reading before any path into the spec exists: later problems have nowhere to go. */
function refused(diagnostic: Diagnostic): ParsedSpec {
  return { spec: undefined, diagnostics: [diagnostic], place: unplaced };
}

function unplaced(found: Located): Diagnostic {
  const { code, severity, path, message, hint } = found;
  return { code, severity, path, message, hint };
}

function yamlSyntax(message: string, hint: string, location: SourceLocation): Diagnostic {
  return { code: "spec/yaml-syntax", severity: "error", path: [], message, hint, location };
}

function tooLarge(
  message: string,
  location: SourceLocation,
  hint = "write the values out instead of multiplying them with aliases, or split the platform",
): Diagnostic {
  return { code: "spec/too-large", severity: "error", path: [], message, hint, location };
}

/** What checkExpansion found, worded at the position it found it. */
function expansionProblem(problem: ExpansionProblem, source: SourceText): Diagnostic {
  const at = source.at(problem.offset);
  const file = source.file;
  switch (problem.kind) {
    case "unresolved-alias":
      return yamlSyntax(
        `invalid YAML: the alias *${problem.alias} refers to no anchor &${problem.alias} before it`,
        "define the anchor before the alias, or write the value out",
        at,
      );
    case "too-large":
      return tooLarge(
        `${file} expands to more than ${MAX_EXPANDED_NODES.toLocaleString("en")} YAML nodes through its aliases (the largest at this position)`,
        at,
      );
    case "too-deep":
      return tooLarge(`${file} nests deeper than ${MAX_NESTING} levels`, at);
    case "recursive-alias":
      return tooLarge(`${file} has an alias that refers to a node containing itself`, at);
  }
}

export function sortByLocation(diagnostics: Diagnostic[]): Diagnostic[] {
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
