/**
 * The one pipeline every command runs: read platform.yaml, parse it against the schema, check
 * the rules that need effective settings and derived names, resolve the Model. Commands read
 * the Model; nothing to the right of this file looks at the spec again, except to copy it.
 */
import { type Diagnostic, isError, TenantctlError } from "../diagnostics/diagnostic.js";
import { parseSpecText, readSpecText, sortByLocation } from "../input/load.js";
import type { Platform } from "../input/schema.js";
import { checkDerivedNames } from "./derived-names.js";
import { type Model, resolve } from "./resolve.js";
import { checkRules } from "./rules.js";

export interface ValidationResult {
  /** The parsed spec, when it has no error (warnings may remain). */
  readonly spec: Platform | undefined;
  /** Every problem found, errors and warnings, each with its line:column. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadedPlatform {
  readonly file: string;
  readonly spec: Platform;
  readonly model: Model;
  readonly warnings: readonly Diagnostic[];
}

/** Parses and validates spec text; never throws for a problem of the spec itself. */
export function validateSpecText(text: string, file: string): ValidationResult {
  const parsed = parseSpecText(text, file);
  if (parsed.spec === undefined) return { spec: undefined, diagnostics: parsed.diagnostics };
  const diagnostics = sortByLocation(
    [...checkRules(parsed.spec), ...checkDerivedNames(parsed.spec)].map(parsed.place),
  );
  return { spec: diagnostics.some(isError) ? undefined : parsed.spec, diagnostics };
}

/** Reads, validates and resolves a spec file; throws a TenantctlError carrying every error found. */
export async function loadPlatform(file: string): Promise<LoadedPlatform> {
  const result = validateSpecText(await readSpecText(file), file);
  if (result.spec === undefined) throw new TenantctlError(result.diagnostics);
  return { file, spec: result.spec, model: resolve(result.spec), warnings: result.diagnostics };
}
