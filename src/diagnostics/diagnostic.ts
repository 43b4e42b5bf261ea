/**
 * Errors as data (zod's lesson): every problem tenantctl reports is a Diagnostic with a
 * stable `code`, the spec `path` it concerns, a sentence that quotes what was received and
 * names what is allowed, and a `hint` that says how to fix it. Many diagnostics travel
 * together in one TenantctlError so that the user sees every problem at once.
 */
export type PathSegment = string | number;
export type Severity = "error" | "warning";

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The text of the offending line, for a code frame. */
  readonly lineText?: string;
}

export interface Diagnostic {
  /** Stable identifier, e.g. `spec/unknown-zone`; never renamed once released. */
  readonly code: string;
  readonly severity: Severity;
  readonly path: readonly PathSegment[];
  /** What is wrong, quoting the value received and naming what is allowed. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
  readonly location?: SourceLocation;
}

export class TenantctlError extends Error {
  readonly code: string;
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    const first = diagnostics[0];
    super(
      first === undefined
        ? "tenantctl failed"
        : `${first.message}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ""}`,
      options,
    );
    this.name = "TenantctlError";
    this.code = first?.code ?? "internal";
    this.diagnostics = diagnostics;
  }
}

/** A single problem that is not about a spec path (files, directories, the environment). */
export function failure(code: string, message: string, hint: string, cause?: unknown): TenantctlError {
  return new TenantctlError(
    [{ code, severity: "error", path: [], message, hint }],
    cause === undefined ? undefined : { cause },
  );
}

export function isError(d: Diagnostic): boolean {
  return d.severity === "error";
}
