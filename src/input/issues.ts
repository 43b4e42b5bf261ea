import type { z } from "zod";
import type { Diagnostic, PathSegment } from "../diagnostics/diagnostic.js";
import { formatPath, oneOf, quote } from "../diagnostics/path.js";
import { closest } from "./suggest.js";

/**
 * Words zod's issues as tenantctl diagnostics: the value received, what is allowed, a hint.
 * Locations are added by the loader, which knows the YAML source.
 */
export type Located = Omit<Diagnostic, "location"> & { readonly key?: string };

export function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): Located[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  const context: IssueContext = {
    path,
    at: formatPath(path),
    input: (issue as { input?: unknown }).input,
    base: { severity: "error", path },
  };
  switch (issue.code) {
    case "invalid_type":
      return [invalidType(issue, context)];
    case "invalid_value":
      return [invalidValue(issue, context)];
    case "unrecognized_keys":
      return unknownFields(issue, context, objectKeysAt(schema, path));
    case "invalid_format":
      return [
        {
          ...context.base,
          code: "spec/invalid-format",
          message: `${context.at}: ${quote(context.input)} is not ${issue.message}`,
          hint: `write ${issue.message}`,
        },
      ];
    case "invalid_key": {
      const inner = issue.issues[0]?.message ?? "a valid key";
      return [
        {
          ...context.base,
          key: String(context.input),
          code: "spec/invalid-key",
          message: `${context.at}: the name ${quote(context.input)} is not ${inner}`,
          hint: `rename it to ${inner}`,
        },
      ];
    }
    case "too_small":
    case "too_big":
      return [outOfRange(issue, context)];
    default:
      return [otherIssue(issue, context)];
  }
}

/** What every wording needs: where (as a path and as text), the value received, the common fields. */
interface IssueContext {
  readonly path: PathSegment[];
  readonly at: string;
  readonly input: unknown;
  readonly base: { readonly severity: "error"; readonly path: PathSegment[] };
}

function invalidType(issue: z.core.$ZodIssueInvalidType, { at, input, base, path }: IssueContext): Located {
  if (input === undefined) return missingField(path, article(issue.expected));
  return {
    ...base,
    code: "spec/invalid-type",
    message: `${at}: ${quote(input)} is ${article(typeName(input))}; expected ${article(issue.expected)}`,
    hint:
      issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")
        ? `quote the value so YAML keeps it as text: "${String(input)}"`
        : `write ${article(issue.expected)} here`,
  };
}

function invalidValue(issue: z.core.$ZodIssueInvalidValue, { at, input, base, path }: IssueContext): Located {
  if (input === undefined) return missingField(path, oneOf(issue.values));
  // YAML read `1.34` as a number where a string of the list was meant.
  if (typeof input === "number" && issue.values.includes(String(input))) {
    return {
      ...base,
      code: "spec/invalid-type",
      message: `${at}: ${quote(input)} is a number; expected a string, one of ${oneOf(issue.values)}`,
      hint: `quote the value so YAML keeps it as text: "${String(input)}"`,
    };
  }
  const suggestion = typeof input === "string" ? closest(input, issue.values.map(String)) : undefined;
  return {
    ...base,
    code: "spec/invalid-value",
    message: `${at}: ${quote(input)} is not supported; expected ${oneOf(issue.values)}`,
    hint: suggestion ? `did you mean ${quote(suggestion)}?` : `use ${oneOf(issue.values)}`,
  };
}

/** One diagnostic per unknown key, placed on the key itself, with the closest allowed name. */
function unknownFields(
  issue: z.core.$ZodIssueUnrecognizedKeys,
  { base, path }: IssueContext,
  allowed: readonly string[],
): Located[] {
  return issue.keys.map((key) => {
    const suggestion = closest(key, allowed);
    return {
      ...base,
      key,
      path: [...path, key],
      code: "spec/unknown-field",
      message: `${formatPath([...path, key])}: unknown field ${quote(key)}; expected one of ${allowed.join(", ")}`,
      hint: suggestion ? `did you mean ${quote(suggestion)}?` : "remove it; see schema/platform.schema.json",
    };
  });
}

function outOfRange(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  { at, input, base }: IssueContext,
): Located {
  const small = issue.code === "too_small";
  const bound = small ? issue.minimum : issue.maximum;
  const unit = issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : "";
  const what =
    issue.origin === "array" || issue.origin === "string" ? `${at} has` : `${at}: ${quote(input)} is`;
  return {
    ...base,
    code: "spec/out-of-range",
    message: `${what} ${small ? "too small" : "too large"}; expected ${small ? "at least" : "at most"} ${String(bound)}${unit}`,
    hint: `use a value ${small ? "of at least" : "of at most"} ${String(bound)}${unit}`,
  };
}

/** Refinements (CIDRs, quantities, …): their own message, and the hint they carry. */
function otherIssue(issue: z.core.$ZodIssue, { at, input, base }: IssueContext): Located {
  const hint = (issue as { params?: { hint?: string } }).params?.hint;
  return {
    ...base,
    code: "spec/invalid-value",
    message:
      typeof input === "string"
        ? `${at}: ${quote(input)} is not ${issue.message}`
        : `${at}: ${issue.message}`,
    hint: hint ?? "correct the value; see schema/platform.schema.json",
  };
}

function missingField(path: PathSegment[], expected: string): Located {
  const parent = path.slice(0, -1);
  return {
    severity: "error",
    path,
    code: "spec/missing-field",
    message: `${formatPath(path)}: is required; expected ${expected}`,
    hint: `add \`${String(path[path.length - 1])}:\` ${parent.length === 0 ? "at the top level" : `under ${formatPath(parent)}`}`,
  };
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "mapping";
  return typeof value;
}

const NOUNS: Readonly<Record<string, string>> = { object: "mapping", array: "list", int: "whole number" };

function article(noun: string): string {
  const name = NOUNS[noun] ?? noun;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** The field names an object schema allows at a path, for "unknown field" messages. */
function objectKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let node: unknown = schema;
  for (const segment of [...path, undefined]) {
    node = unwrap(node);
    const def = defOf(node);
    if (segment === undefined) break;
    if (def.type === "object") node = (def.shape as Record<string, unknown>)[String(segment)];
    else if (def.type === "array") node = def.element;
    else if (def.type === "record") node = def.valueType;
    else return [];
  }
  const def = defOf(node);
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}

function unwrap(node: unknown): unknown {
  let current = node;
  for (;;) {
    const def = defOf(current);
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else return current;
  }
}

function defOf(node: unknown): Record<string, unknown> {
  return ((node as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def ?? {}) as Record<
    string,
    unknown
  >;
}
