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
import { problem } from "./rules.js";
import { effectiveSettings, sourceOf, tenantProduct } from "./settings.js";
import { upgradingFrom } from "./resolve.js";

export interface TenantRelease {
  readonly tenant: string;
  readonly product: string;
  readonly key: string;
  readonly version: string;
  /** Set while a change is staged: the release the data is moving from. */
  readonly upgradingFrom: string | undefined;
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

/** The findings of one cluster's view (`spec`) against what that cluster runs (`running`, the same cluster's view of the copy). */
export function checkReleaseChanges(spec: Platform, running: Platform | undefined): Located[] {
  if (running === undefined) return [];
  const now = new Map(schemaReleases(running).map((r) => [r.tenant, r]));
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
          `tenants[${i}].${next.key}: ${next.tenant} runs ${current.version}, whose migrations have run on its data; ${next.version} cannot read it`,
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
          `tenants[${i}].${next.key}: ${next.tenant} moves from ${current.version} to ${next.version} unstaged: every workload would roll at once, old workers against a migrated schema, with no backup first`,
          `stage it: tenantctl upgrade <spec> --wave <wave> --to ${next.version} (it writes upgradeFrom: ${current.version}), then --finish once the migrator is ready`,
        ),
      );
  });
  return out;
}

/** The running spec's view of a cluster, by its key (undefined key: a spec with one cluster). */
export function runningView(running: Platform | undefined, key: string | undefined): Platform | undefined {
  if (running === undefined) return undefined;
  return clusterViews(running).find((v) => v.key === key)?.spec;
}
