/**
 * One violation, explained: a stable rule id (never renamed: CI configurations and SARIF
 * baselines key on it), what is wrong, the objects involved with their files, for network
 * findings the policy path that admits the connection, and how to fix it.
 */
import type { ObjectRef } from "./input.js";

export type FindingSeverity = "error" | "warning";

export interface Finding {
  readonly rule: string;
  readonly severity: FindingSeverity;
  readonly message: string;
  readonly objects: readonly ObjectRef[];
  /** The policy rules (or the missing ones) that make a connection possible, one line each. */
  readonly path: readonly string[];
  readonly fix: string;
  readonly tenant: string | undefined;
}

export interface RuleInfo {
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly title: string;
  /** What the rule proves, for SARIF rule help and the HTML page. */
  readonly description: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  const key = (f: Finding) =>
    `${f.severity === "error" ? 0 : 1}|${f.rule}|${f.tenant ?? ""}|${f.objects.map((o) => `${o.file ?? ""}|${o.namespace ?? ""}/${o.name}`).join(";")}|${f.message}`;
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A verify rule: its description, and the check that returns its findings. */
export interface VerifyRule extends RuleInfo {
  check(ctx: import("./context.js").VerifyContext): Finding[];
}

/** A finding of `rule`, with its severity; `path` and `tenant` are optional. */
export function findingOf(
  rule: RuleInfo,
  fields: Omit<Finding, "rule" | "severity" | "path" | "tenant"> & {
    path?: readonly string[];
    tenant?: string | undefined;
  },
): Finding {
  return { rule: rule.id, severity: rule.severity, path: [], tenant: undefined, ...fields };
}
