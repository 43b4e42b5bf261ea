/**
 * Every name tenantctl derives from tenant and zone names, in the space where it must be
 * unique (namespaces, Argo CD applications across all ApplicationSets, IAM roles, node pools,
 * Redis prefixes, shared-database identifiers, files), computed for the whole spec in one
 * place. Two owners that meet in one space are refused, each at its own line:column, instead
 * of rendering two objects that fight (Argo CD prunes one with the other's sync).
 */
import { own } from "../lib/own.js";
import type { PathSegment } from "../diagnostics/diagnostic.js";
import type { Located } from "../input/issues.js";
import type { Platform } from "../input/schema.js";
import {
  applicationSetName,
  baselineProject,
  clusterApplication,
  dnsLabel,
  NODE_POOL,
  nodePoolName,
  platformKey,
  platformProject,
  redisPrefix,
  sharedDataIdentifier,
  tenantApplication,
  tenantBaselineApplication,
  tenantDirectory,
  tenantNamespace,
  tenantProject,
  zoneApplication,
  zoneDataNamespace,
  zoneRabbitmqUserSecret,
  zoneDatabaseObject,
  zoneDirectory,
  zoneRoleSecret,
  zoneSecretStore,
  zoneSecretsRole,
  zoneSecretsServiceAccount,
  ciRole,
} from "./names.js";
import { effectiveProductName } from "./settings.js";

export interface DerivedName {
  readonly space: string;
  readonly name: string;
  readonly owner: readonly PathSegment[];
  readonly ownerText: string;
}

export function derivedNames(spec: Platform): DerivedName[] {
  const out: DerivedName[] = [];
  const key = platformKey(spec.metadata.name, spec.cluster.name, spec.cluster.awsAccountId);
  const platform = { owner: ["metadata", "name"], ownerText: "the platform" } as const;
  const add = (space: string, name: string, owner: readonly PathSegment[], ownerText: string) =>
    out.push({ space, name, owner, ownerText });

  add("Argo CD application", clusterApplication(spec.cluster.name), ["cluster", "name"], "the cluster");
  add("Argo CD project", platformProject(spec.metadata.name), platform.owner, platform.ownerText);
  add("Argo CD project", baselineProject(spec.metadata.name), platform.owner, platform.ownerText);
  const products = [...new Set(spec.tenants.map((_, i) => effectiveProductName(spec, i)))];
  for (const set of [
    "tenant-baselines",
    "zone-services",
    ...products.map((p): `tenant-${string}` => `tenant-${p}`),
  ] as const)
    add(
      "Argo CD ApplicationSet",
      applicationSetName(spec.metadata.name, set),
      platform.owner,
      platform.ownerText,
    );
  for (const pool of [NODE_POOL.general, NODE_POOL.database])
    add("Karpenter NodePool", nodePoolName(spec.metadata.name, pool), platform.owner, platform.ownerText);

  for (const zone of Object.keys(spec.zones)) {
    const owner = ["zones", zone];
    const text = `zone ${zone}`;
    add("namespace", zoneDataNamespace(zone), owner, text);
    add("Argo CD application", zoneApplication(zone), owner, text);
    add("IAM role", zoneSecretsRole(spec.cluster.name, zone), owner, text);
    add("ClusterSecretStore", zoneSecretStore(spec.metadata.name, zone), owner, text);
    add("service account", zoneSecretsServiceAccount(zone), owner, text);
    add("directory", zoneDirectory(zone), owner, text);
    if (own(spec.zones, zone)?.dedicatedNodes)
      add("Karpenter NodePool", nodePoolName(spec.metadata.name, NODE_POOL.zone(zone)), owner, text);
  }
  for (const product of Object.keys(spec.ci?.repositories ?? {}))
    add(
      "IAM role",
      ciRole(spec.cluster.name, product),
      ["ci", "repositories", product],
      `ci.repositories.${product}`,
    );
  const seen = new Set<string>();
  spec.tenants.forEach((tenant, i) => {
    // A repeated tenant name is spec/duplicate-tenant already; its names would all repeat.
    if (seen.has(tenant.name)) return;
    seen.add(tenant.name);
    const owner = ["tenants", i, "name"];
    const text = `tenants[${i}] (${tenant.name})`;
    const product = effectiveProductName(spec, i);
    add("namespace", tenantNamespace(tenant.name), owner, text);
    add("Argo CD project", tenantProject(tenant.name), owner, text);
    add("Argo CD application", tenantApplication(tenant.name), owner, text);
    add("Argo CD application", tenantBaselineApplication(tenant.name), owner, text);
    add("Redis key prefix and ACL user", redisPrefix(product, tenant.name), owner, text);
    add("shared database and role", sharedDataIdentifier(key, tenant.name), owner, text);
    add(`object in zone ${tenant.zone}'s data namespace`, zoneRoleSecret(tenant.name), owner, text);
    add(`object in zone ${tenant.zone}'s data namespace`, zoneRabbitmqUserSecret(tenant.name), owner, text);
    add(
      `object in zone ${tenant.zone}'s data namespace`,
      zoneDatabaseObject(product, tenant.name),
      owner,
      text,
    );
    add("directory", tenantDirectory(tenant.name), owner, text);
    add("Karpenter NodePool", nodePoolName(spec.metadata.name, NODE_POOL.tenant(tenant.name)), owner, text);
    add("DNS label", dnsLabel("tenant", tenant.name), owner, text);
  });
  return out;
}

export function checkDerivedNames(spec: Platform): Located[] {
  return nameCollisions(derivedNames(spec));
}

/** Collisions of derived names: one diagnostic at each owner, naming the other. */
export function nameCollisions(names: readonly DerivedName[]): Located[] {
  const bySpace = new Map<string, DerivedName[]>();
  for (const n of names) {
    const k = `${n.space}\u0000${n.name}`;
    const list = bySpace.get(k);
    if (list === undefined) bySpace.set(k, [n]);
    else list.push(n);
  }
  const out: Located[] = [];
  const reported = new Set<string>();
  for (const group of bySpace.values()) {
    const owners = [...new Map(group.map((n) => [JSON.stringify(n.owner), n])).values()];
    if (owners.length < 2) continue;
    for (const n of owners) {
      const others = owners.filter((o) => o !== n).map((o) => o.ownerText);
      const id = `${JSON.stringify(n.owner)}|${others.join()}`;
      if (reported.has(id)) continue;
      reported.add(id);
      out.push({
        code: "spec/name-collision",
        severity: "error",
        path: n.owner,
        message: `${n.ownerText} and ${others.join(", ")} derive the same ${n.space} name "${n.name}"; the two would overwrite or prune each other`,
        hint: "rename one of them (names that differ only in repeated '-' or by a '-platform' suffix meet in derived names)",
      });
    }
  }
  return out;
}
