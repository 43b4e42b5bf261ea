/**
 * `tenantctl upgrade`: a version change for one upgrade wave, as an edit of platform.yaml. The
 * first step stages it (the new version and `upgradeFrom`, the version the data is at: render
 * then backs up, stops all but the migrator and runs the migrator alone); `--finish` ends it
 * (drops `upgradeFrom`: the others come back on the new version). A wave moves only to a
 * version every earlier wave already runs, finished; a lower version is refused.
 */
import { failure } from "../diagnostics/diagnostic.js";
import type { Platform } from "../input/schema.js";
import { closest } from "../input/suggest.js";
import {
  checkClusterKey,
  clusterKeys,
  clusterView,
  type ClusterView,
  clusterViews,
} from "../model/clusters.js";
import { type Running, type TenantRelease, schemaReleases } from "../model/release-changes.js";
import { upgradeWaves } from "../model/upgrade-waves.js";
import { compareVersions } from "../versions.js";
import { type EditPath, removeKey, setScalar } from "./yaml-text.js";
import { placementAsMap } from "./operations.js";
import { effectiveSettings, tenantProduct } from "../model/settings.js";

export interface UpgradeOptions {
  readonly wave: string;
  /** The version to move to; undefined with finish. */
  readonly to?: string | undefined;
  readonly finish?: boolean;
  /** Which cluster, for a spec that declares several. */
  readonly cluster?: string | undefined;
  /** What runs now (the rendered tree's spec copy, or the cluster), when known. */
  readonly running?: Running | undefined;
}

export interface UpgradeStep {
  readonly tenant: string;
  readonly key: string;
  readonly from: string;
  readonly to: string;
  /** What happens to it, in words. */
  readonly action: string;
}

export interface UpgradeResult {
  readonly text: string;
  readonly steps: readonly UpgradeStep[];
  /** Tenants of the wave that do not move, and why. */
  readonly unchanged: readonly { tenant: string; reason: string }[];
}

function view(spec: Platform, cluster: string | undefined): ClusterView {
  const keys = clusterKeys(spec);
  if (cluster === undefined) {
    if (keys.length > 0)
      throw failure(
        "upgrade/cluster-required",
        `this spec declares ${keys.length} clusters (${keys.join(", ")}); a wave moves on one at a time`,
        `add --cluster <${keys.join("|")}> (staging first, then production: tenantctl promote carries it over)`,
      );
    return clusterViews(spec)[0] as ClusterView;
  }
  checkClusterKey(spec, cluster, "--cluster", "upgrade/unknown-cluster");
  return clusterView(spec, cluster);
}

function waveIndex(spec: Platform, name: string): { index: number; waves: ReturnType<typeof upgradeWaves> } {
  const waves = upgradeWaves(spec);
  const index = waves.findIndex((w) => w.name === name);
  if (index >= 0) return { index, waves };
  const names = waves.map((w) => w.name);
  const suggestion = closest(name, names);
  throw failure(
    "upgrade/unknown-wave",
    `${name} is not an upgrade wave of this spec; its waves are ${names.join(", ")}`,
    suggestion === undefined ? "name one of them (upgrades.waves)" : `did you mean ${suggestion}?`,
  );
}

/** Where the tenant's release settings are written: under clusters.<key> on a spec with several clusters. */
function settingPath(spec: Platform, index: number, cluster: string | undefined, setting: string): EditPath {
  const keys = setting.split(".");
  if (cluster === undefined) return ["tenants", index, ...keys];
  const tenant = spec.tenants[index];
  if (tenant?.clusters === undefined)
    throw failure(
      "upgrade/tenant-on-every-cluster",
      `${tenant?.name} runs on every cluster (it has no clusters:), so it cannot move on ${cluster} alone`,
      `give it clusters: { ${clusterKeys(spec)
        .map((k) => `${k}: {}`)
        .join(", ")} } first`,
    );
  return ["tenants", index, "clusters", cluster, ...keys];
}

function upgradeFromSetting(spec: Platform, index: number): string {
  return tenantProduct(spec, index)?.upgradeFromSetting ?? "";
}

/** What happens to a tenant's data on the way, by how it is isolated (in that cluster's view). */
function backupAction(view: Platform, j: number): string {
  const isolation = effectiveSettings(view, j).database.isolation;
  if (isolation === "rds")
    return "RDS: take a snapshot first (aws rds create-db-snapshot; the AWS layer keeps automated backups)";
  if (isolation === "database")
    return "a database on the zone's server: its scheduled backups and WAL cover it";
  return "a CloudNativePG Backup named for the release, before anything moves";
}

export function upgradeWave(text: string, spec: Platform, options: UpgradeOptions): UpgradeResult {
  const scope = view(spec, options.cluster);
  const { index, waves } = waveIndex(spec, options.wave);
  const wave = waves[index] as (typeof waves)[number];
  const releases = new Map(schemaReleases(scope.spec).map((r) => [r.tenant, r]));
  const running: ReadonlyMap<string, TenantRelease> = options.running?.releasesOn(scope.key) ?? new Map();
  const where = options.running?.source ?? "what runs";
  const inWave = wave.tenants.filter((t) => scope.spec.tenants.some((x) => x.name === t));
  const unchanged: { tenant: string; reason: string }[] = [];
  const steps: UpgradeStep[] = [];
  let out = text;
  for (const tenant of inWave) {
    const release = releases.get(tenant);
    const j = scope.spec.tenants.findIndex((t) => t.name === tenant);
    const index = scope.tenantIndex[j] as number;
    if (release === undefined) {
      unchanged.push({ tenant, reason: "its product migrates no schema" });
      continue;
    }
    if (options.finish === true) {
      if (release.upgradingFrom === undefined) {
        unchanged.push({ tenant, reason: `no upgrade under way (runs ${release.version})` });
        continue;
      }
      const now = running.get(tenant);
      if (
        options.running !== undefined &&
        (now?.version !== release.version || now.upgradingFrom === undefined)
      )
        throw failure(
          "upgrade/not-rendered",
          `${tenant}'s staged move to ${release.version} is not in ${where} yet (it runs ${now?.version ?? "nothing"} there)`,
          "render, commit and let Argo CD sync the staged change, wait until the migrator is ready, then finish",
        );
      if (now?.ready === false)
        throw failure(
          "upgrade/migrator-not-ready",
          `${tenant}'s ${release.key} ${release.version} is staged in ${where}, but its migrator is not ready yet (its migrations may still run)`,
          "wait until it is (kubectl rollout status), then finish",
        );
      out = removeKey(out, settingPath(spec, index, scope.key, upgradeFromSetting(spec, index)));
      steps.push({
        tenant,
        key: release.key,
        from: release.upgradingFrom,
        to: release.version,
        action: "upgradeFrom dropped: the other workloads start on the new release",
      });
      continue;
    }
    const to = options.to as string;
    checkMove(release, to);
    const runs = running.get(tenant);
    if (runs !== undefined && compareVersions(to, runs.version) < 0)
      throw failure(
        `upgrade/${release.product}-downgrade`,
        `${tenant} runs ${release.key} ${runs.version} in ${where}; ${to} cannot read data a newer release migrated`,
        "going back needs a restore from the backup taken before the upgrade (README: upgrades)",
      );
    if (release.version === to) {
      unchanged.push({ tenant, reason: `already runs ${to}` });
      continue;
    }
    if (scope.key !== undefined)
      out = placementAsMap(out, index, spec.tenants[index] as Platform["tenants"][number]);
    out = setScalar(out, settingPath(spec, index, scope.key, release.key), to);
    out = setScalar(
      out,
      settingPath(spec, index, scope.key, upgradeFromSetting(spec, index)),
      release.version,
    );
    steps.push({
      tenant,
      key: release.key,
      from: release.version,
      to,
      action: `${backupAction(scope.spec, j)}; then the others stop and the migrator runs ${to} alone until ready`,
    });
  }
  if (options.finish !== true) checkEarlierWaves(waves.slice(0, index), releases, running, options);
  return { text: out, steps, unchanged };
}

function checkMove(release: TenantRelease, to: string): void {
  if (release.upgradingFrom !== undefined && release.version !== to)
    throw failure(
      "upgrade/under-way",
      `${release.tenant} is still moving from ${release.upgradingFrom} to ${release.version}`,
      "finish that first: tenantctl upgrade <spec> --wave <wave> --finish",
    );
  if (compareVersions(to, release.version) < 0)
    throw failure(
      `upgrade/${release.product}-downgrade`,
      `${release.tenant} runs ${release.key} ${release.version}; ${to} cannot read data a newer release migrated`,
      "going back needs a restore from the backup taken before the upgrade (README: upgrades)",
    );
}

/** Every tenant of an earlier wave runs `to` (or later), finished, in the spec and in what runs now. */
function checkEarlierWaves(
  earlier: readonly { name: string; tenants: readonly string[] }[],
  releases: ReadonlyMap<string, TenantRelease>,
  running: ReadonlyMap<string, TenantRelease>,
  options: UpgradeOptions,
): void {
  const to = options.to as string;
  for (const wave of earlier) {
    for (const tenant of wave.tenants) {
      for (const [where, release] of [
        ["the spec", releases.get(tenant)],
        [options.running?.source ?? "what runs", running.get(tenant)],
      ] as const) {
        if (release === undefined) continue;
        if (compareVersions(release.version, to) >= 0 && release.upgradingFrom === undefined) continue;
        throw failure(
          "upgrade/earlier-wave-behind",
          `wave ${wave.name} comes first, and its tenant ${tenant} ${release.upgradingFrom === undefined ? `runs ${release.version}` : `is still moving to ${release.version}`} in ${where}`,
          `move wave ${wave.name} to ${to} and finish it first (tenantctl upgrade <spec> --wave ${wave.name} --to ${to})`,
        );
      }
    }
  }
}

export interface ClusterRestore {
  readonly tenant: string;
  /** The generation being left, and the new one. */
  readonly from: number;
  readonly to: number;
  readonly pointInTime: string | undefined;
}

/**
 * A restore in the cluster, as an edit: the tenant's database.restore moves to the next
 * generation (a new CloudNativePG server bootstrapped from the previous one's backups, to a
 * point in time when given); the previous server stays, untouched (data is never deleted
 * implicitly). The app connects to the new server once Argo CD has synced it.
 */
export function restoreInCluster(
  text: string,
  spec: Platform,
  options: { tenant: string; pointInTime?: string | undefined; cluster?: string | undefined },
): { text: string; restore: ClusterRestore } {
  const scope = view(spec, options.cluster);
  const j = scope.spec.tenants.findIndex((t) => t.name === options.tenant);
  if (j < 0) {
    const suggestion = closest(
      options.tenant,
      scope.spec.tenants.map((t) => t.name),
    );
    throw failure(
      "restore/unknown-tenant",
      `${options.tenant} is not a tenant of this spec${scope.key === undefined ? "" : ` on ${scope.key}`}`,
      suggestion === undefined ? "name a tenant under tenants:" : `did you mean ${suggestion}?`,
    );
  }
  const index = scope.tenantIndex[j] as number;
  const from = scope.spec.tenants[j]?.database?.restore?.generation ?? 1;
  let out = text;
  if (scope.key !== undefined)
    out = placementAsMap(out, index, spec.tenants[index] as Platform["tenants"][number]);
  const at = (key: string) => settingPath(spec, index, scope.key, `database.restore.${key}`);
  out = setScalar(out, at("generation"), from + 1);
  out =
    options.pointInTime === undefined
      ? removeKey(out, at("pointInTime"))
      : setScalar(out, at("pointInTime"), options.pointInTime);
  return {
    text: out,
    restore: { tenant: options.tenant, from, to: from + 1, pointInTime: options.pointInTime },
  };
}
