/**
 * What a spec changes of the releases its tenants' data runs on, against what runs now (the
 * rendered tree's spec copy, the spec Argo CD is applying): a lower release than the data was
 * migrated to cannot read it, and a higher one must be staged (`upgradeFrom`, written by
 * `tenantctl upgrade`) so that the cluster backs up and migrates with the migrator alone
 * instead of rolling every workload at once.
 */
import type { Located } from "../input/issues.js";
import type { Platform } from "../input/schema.js";
import { compareVersions } from "../versions.js";
import { clusterViews } from "./clusters.js";
import { problem } from "./problem.js";
import { effectiveSettings, sourceOf, tenantProduct } from "./settings.js";
import { upgradingFrom } from "./resolve.js";

export interface TenantRelease {
  readonly tenant: string;
  readonly product: string;
  readonly key: string;
  readonly version: string;
  /** Set while a change is staged: the release the data is moving from. */
  readonly upgradingFrom: string | undefined;
  /** Read from a cluster: whether the migrator's pods run its current spec, ready. */
  readonly ready?: boolean;
}

/** Each tenant's schema release in one cluster's view of a spec (tenants whose product migrates none are left out). */
export function schemaReleases(spec: Platform): TenantRelease[] {
  return spec.tenants.flatMap((tenant, i) => {
    const product = tenantProduct(spec, i);
    const key = product?.schemaRelease;
    if (product === undefined || key === undefined) return [];
    const settings = effectiveSettings(spec, i);
    const version = product.release(settings).get(key);
    if (version === undefined) return [];
    return [
      {
        tenant: tenant.name,
        product: product.name,
        key,
        version,
        upgradingFrom: upgradingFrom(product, settings),
      },
    ];
  });
}

/** What runs now, as far as tenantctl knows it: each tenant's schema release per cluster. */
export interface Running {
  /** Where it was read: "the rendered tree", "the cluster". */
  readonly source: string;
  /** The releases on a cluster (by its key; undefined for a spec with one cluster), when known. */
  releasesOn(key: string | undefined): ReadonlyMap<string, TenantRelease> | undefined;
}

/** What a rendered tree's spec copy runs: the same pipeline as platform.yaml, per cluster. */
export function runningFromCopy(copy: Platform): Running {
  const views = new Map(clusterViews(copy).map((v) => [v.key, v.spec]));
  return {
    source: "the rendered tree",
    releasesOn(key) {
      const view = views.get(key);
      return view === undefined ? undefined : new Map(schemaReleases(view).map((r) => [r.tenant, r]));
    },
  };
}

/** The findings of one cluster's view (`spec`) against what that cluster runs. */
export function checkReleaseChanges(
  spec: Platform,
  now: ReadonlyMap<string, TenantRelease> | undefined,
  source = "the rendered tree",
): Located[] {
  if (now === undefined) return [];
  const out: Located[] = [];
  schemaReleases(spec).forEach((next) => {
    const i = spec.tenants.findIndex((t) => t.name === next.tenant);
    const current = now.get(next.tenant);
    if (current === undefined || current.key !== next.key || current.version === next.version) return;
    const path = sourceOf(spec, i, next.key.split("."));
    if (compareVersions(next.version, current.version) < 0) {
      out.push(
        problem(
          `spec/${next.product}-downgrade`,
          path,
          `tenants[${i}].${next.key}: ${next.tenant} runs ${current.version} in ${source}, whose migrations have run on its data; ${next.version} cannot read it`,
          `keep ${current.version} or later; going back needs a restore from the backup taken before the upgrade (README: upgrades)`,
        ),
      );
      return;
    }
    if (next.upgradingFrom === undefined)
      out.push(
        problem(
          "spec/unstaged-upgrade",
          path,
          `tenants[${i}].${next.key}: ${next.tenant} moves from ${current.version} (in ${source}) to ${next.version} unstaged: every workload would roll at once, old workers against a migrated schema, with no backup first`,
          `stage it: tenantctl upgrade <spec> --wave <wave> --to ${next.version} (it writes upgradeFrom: ${current.version}), then --finish once the migrator is ready`,
        ),
      );
  });
  return out;
}
