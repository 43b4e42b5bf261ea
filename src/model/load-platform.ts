/**
 * The one pipeline every command runs: read platform.yaml, parse it against the schema, check
 * the rules that need effective settings and derived names, resolve the Model. Commands read
 * the Model; nothing to the right of this file looks at the spec again, except to copy it.
 */
import { type Diagnostic, failure, isError, TenantctlError } from "../diagnostics/diagnostic.js";
import type { Located } from "../input/issues.js";
import { checkClusters } from "./cluster-rules.js";
import { type ClusterView, checkClusterKey, clusterKeys, clusterViews, pathInSpec } from "./clusters.js";
import { resolveClusters } from "./resolve-clusters.js";
import { parseSpecText, readSpecText, sortByLocation } from "../input/load.js";
import type { Platform } from "../input/schema.js";
import { checkDerivedNames } from "./derived-names.js";
import type { Model } from "./resolve.js";
import { checkRules, unknownZones } from "./rules.js";
import { checkReleaseChanges, type Running } from "./release-changes.js";

export interface ValidationResult {
  /** The parsed spec, when it has no error (warnings may remain). */
  readonly spec: Platform | undefined;
  /** Every problem found, errors and warnings, each with its line:column. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadedPlatform {
  readonly file: string;
  readonly spec: Platform;
  /** The cluster the command acts on (reading it throws cli/cluster-required when the spec has several and none was chosen). */
  readonly model: Model;
  /** Every cluster's Model, in the order the spec declares them. */
  readonly models: readonly Model[];
  readonly warnings: readonly Diagnostic[];
}

/** Parses and validates spec text; never throws for a problem of the spec itself. */
export function validateSpecText(text: string, file: string, running?: Running): ValidationResult {
  const parsed = parseSpecText(text, file);
  if (parsed.spec === undefined) {
    const { zones, tenants } = (parsed.written ?? {}) as { zones?: unknown; tenants?: unknown };
    const early = unknownZones(zones, tenants).map(parsed.place);
    return { spec: undefined, diagnostics: sortByLocation([...parsed.diagnostics, ...early]) };
  }
  const spec = parsed.spec;
  const views = clusterViews(spec);
  const placement = checkClusters(spec, views);
  // Placement errors would make the per-cluster specs wrong; the rest waits for them.
  const perCluster = placement.some((d) => d.severity === "error")
    ? []
    : views.flatMap((view) =>
        [
          ...checkRules(view.spec),
          ...checkDerivedNames(view.spec),
          ...checkReleaseChanges(view.spec, running?.releasesOn(view.key), running?.source),
        ].map((d) => asWritten(spec, view, d)),
      );
  const diagnostics = sortByLocation(unique([...placement, ...perCluster].map(parsed.place)));
  return { spec: diagnostics.some(isError) ? undefined : spec, diagnostics };
}

/** A cluster's diagnostic on the spec as written: its path, and the tenant index its message names. */
function asWritten(spec: Platform, view: ClusterView, found: Located): Located {
  if (view.key === undefined) return found;
  const message = found.message.replace(
    /tenants\[(\d+)\]/g,
    (_match, index: string) => `tenants[${view.tenantIndex[Number(index)] ?? index}]`,
  );
  return { ...found, path: pathInSpec(spec, view, found.path), message };
}

/** The same finding from several clusters is one finding. */
function unique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}\u0000${d.path.join(".")}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface LoadOptions {
  /** Which cluster (a key of `clusters:`); needed when the spec has several. */
  readonly cluster?: string | undefined;
  /** What runs now (the rendered tree's spec copy): release changes are judged against it. */
  readonly running?: Running | undefined;
}

/** Reads, validates and resolves a spec file; throws a TenantctlError carrying every error found. */
export async function loadPlatform(file: string, options: LoadOptions = {}): Promise<LoadedPlatform> {
  const result = validateSpecText(await readSpecText(file), file, options.running);
  if (result.spec === undefined) throw new TenantctlError(result.diagnostics);
  const spec = result.spec;
  const models = resolveClusters(spec);
  // A wrong --cluster fails at once; a missing one only for a command that acts on one cluster.
  const chosen = options.cluster === undefined ? undefined : chooseCluster(spec, models, options.cluster);
  return {
    file,
    spec,
    get model() {
      return chosen ?? chooseCluster(spec, models, undefined);
    },
    models,
    warnings: result.diagnostics,
  };
}

/** The cluster a one-cluster command acts on: the only one, or the one named by key. */
export function chooseCluster(spec: Platform, models: readonly Model[], key: string | undefined): Model {
  const keys = clusterKeys(spec);
  if (key === undefined) {
    if (keys.length === 0) return models[0] as Model;
    throw failure(
      "cli/cluster-required",
      `this spec declares ${keys.length} clusters (${keys.join(", ")}); the command acts on one`,
      `add --cluster <${keys.join("|")}>`,
    );
  }
  checkClusterKey(spec, key, "--cluster", "cli/unknown-cluster");
  const index = keys.indexOf(key);
  return models[index] as Model;
}
