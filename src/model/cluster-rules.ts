/**
 * The rules of several clusters: where tenants are placed, what the clusters are named and
 * must not share, how production syncs, and what ci: names. They run on the spec as written;
 * every other rule runs once per cluster on that cluster's spec (model/clusters.ts), its
 * findings placed on the spec as written (an override's line for what an override set).
 */
import type { PathSegment } from "../diagnostics/diagnostic.js";
import { oneOf, quote } from "../diagnostics/path.js";
import type { Located } from "../input/issues.js";
import type { Platform } from "../input/schema.js";
import { closest } from "../input/suggest.js";
import { type ClusterView, clusterKeys, clusterOf } from "./clusters.js";
import { problem } from "./problem.js";
import { tenantHostname } from "./settings.js";

export function checkClusters(spec: Platform, views: readonly ClusterView[]): Located[] {
  const out: Located[] = [];
  checkPlacements(spec, out);
  checkClusterNames(spec, out);
  checkProductionSync(spec, out);
  checkCi(spec, out);
  checkSharedAccounts(spec, out);
  checkHostnamesAcrossClusters(spec, views, out);
  return out;
}

/**
 * Secrets Manager paths are `<zone>/<tenant>/<item>` in the cluster's account and region: two
 * clusters there would read each other's secrets (staging a production tenant's encryption
 * key) and write over each other's generated ones.
 */
function checkSharedAccounts(spec: Platform, out: Located[]): void {
  const seen = new Map<string, string>();
  for (const key of clusterKeys(spec)) {
    const { awsAccountId, region } = clusterOf(spec, key);
    const where = `${awsAccountId}/${region}`;
    const first = seen.get(where);
    if (first === undefined) {
      seen.set(where, key);
      continue;
    }
    out.push(
      problem(
        "spec/clusters-share-secrets",
        ["clusters", key],
        `clusters.${key}: in account ${awsAccountId} and region ${region}, like clusters.${first}: their tenants' secrets (<zone>/<tenant>/…) would be the same ones, readable by both`,
        `give clusters.${key} an account of its own (awsAccountId), as production and non-production should have, or another region`,
      ),
    );
  }
}

/** A hostname served by two clusters: both ExternalDNS would claim its record, and traffic would go to either. */
function checkHostnamesAcrossClusters(spec: Platform, views: readonly ClusterView[], out: Located[]): void {
  if (clusterKeys(spec).length < 2) return;
  const owner = new Map<string, { key: string; index: number }>();
  for (const view of views) {
    view.spec.tenants.forEach((_, j) => {
      const index = view.tenantIndex[j] as number;
      const hostname = tenantHostname(view.spec, j);
      const first = owner.get(hostname);
      if (first === undefined) {
        owner.set(hostname, { key: view.key as string, index });
        return;
      }
      if (first.key === view.key) return; // one cluster's collisions are spec/hostname-collision
      out.push(
        problem(
          "spec/hostname-collision",
          ["tenants", index, ...(spec.tenants[index]?.hostname === undefined ? ["name"] : ["hostname"])],
          `tenants[${index}]: ${quote(hostname)} would be served by clusters ${first.key} and ${view.key as string}`,
          `give each cluster its own domain (clusters.<key>.domain), or the tenant a hostname per cluster (clusters.${view.key as string}.hostname)`,
        ),
      );
    });
  }
}

/** ci: names products that exist, and a cluster that exists. */
function checkCi(spec: Platform, out: Located[]): void {
  const ci = spec.ci;
  if (ci === undefined) return;
  const products = Object.keys(spec.products);
  for (const product of Object.keys(ci.repositories)) {
    if (products.includes(product)) continue;
    const suggestion = closest(product, products);
    out.push(
      problem(
        "spec/unknown-product",
        ["ci", "repositories", product],
        `ci.repositories: ${quote(product)} is not a product under products:${product === "n8n" ? " (n8n's images are n8n's own)" : ""}`,
        suggestion === undefined
          ? "name a product declared under products:"
          : `did you mean ${quote(suggestion)}?`,
      ),
    );
  }
  const key = ci.registryCluster;
  const keys = clusterKeys(spec);
  if (key === undefined || keys.includes(key)) return;
  const suggestion = closest(key, keys);
  out.push(
    problem(
      "spec/unknown-cluster",
      ["ci", "registryCluster"],
      keys.length === 0
        ? "ci.registryCluster: this spec declares no clusters: (the registry is in its one cluster's account)"
        : `ci.registryCluster: ${quote(key)} is not a cluster of this platform; expected ${oneOf(keys)}`,
      keys.length === 0
        ? "remove registryCluster"
        : suggestion === undefined
          ? `use one of ${oneOf(keys)}`
          : `did you mean ${quote(suggestion)}?`,
    ),
  );
}

function checkPlacements(spec: Platform, out: Located[]): void {
  const keys = clusterKeys(spec);
  spec.tenants.forEach((tenant, i) => {
    const on = tenant.clusters;
    if (on === undefined) return;
    const named = Array.isArray(on)
      ? on.map((key, j) => ({ key, path: [j] }))
      : Object.keys(on).map((key) => ({ key, path: [key] }));
    if (keys.length === 0) {
      out.push(
        problem(
          "spec/unknown-cluster",
          ["tenants", i, "clusters"],
          `tenants[${i}].clusters: this spec declares no clusters: (it has one cluster, cluster:)`,
          "remove the tenant's clusters:, or declare the clusters under a top-level clusters: map",
        ),
      );
      return;
    }
    if (named.length === 0) {
      out.push(
        problem(
          "spec/tenant-on-no-cluster",
          ["tenants", i, "clusters"],
          `tenants[${i}].clusters: ${quote(tenant.name)} is placed on no cluster`,
          `name at least one of ${oneOf(keys)}, or remove the tenant`,
        ),
      );
    }
    for (const { key, path } of named) {
      if (keys.includes(key)) continue;
      const suggestion = closest(key, keys);
      out.push(
        problem(
          "spec/unknown-cluster",
          ["tenants", i, "clusters", ...path],
          `tenants[${i}].clusters: ${quote(key)} is not a cluster of this platform; expected ${oneOf(keys)}`,
          suggestion === undefined
            ? `use a key of clusters:, or declare ${quote(key)} there`
            : `did you mean ${quote(suggestion)}?`,
        ),
      );
    }
  });
}

/** Two clusters of one name would share a tree, a backup bucket and every AWS name. */
function checkClusterNames(spec: Platform, out: Located[]): void {
  const seen = new Map<string, string>();
  for (const key of clusterKeys(spec)) {
    const name = clusterOf(spec, key).name;
    // The EKS cluster, its directory and every AWS name start with it: a DNS label, as cluster.name is.
    if (name.length > 63)
      out.push(
        problem(
          "spec/cluster-name-too-long",
          ["clusters", key],
          `clusters.${key}: its cluster's name ${quote(name)} has ${name.length} characters; at most 63`,
          `name it: clusters.${key}.name (default: <cluster.name>-<key>)`,
        ),
      );
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, key);
      continue;
    }
    out.push(
      problem(
        "spec/cluster-name-collision",
        ["clusters", key, ...(spec.clusters?.[key]?.name === undefined ? [] : ["name"])],
        `clusters.${key}: its cluster is named ${quote(name)}, like clusters.${first}`,
        "give each cluster its own name (or leave name unset: <cluster.name>-<key>)",
      ),
    );
  }
}

/** Production must not follow every commit by itself: manual sync, or automatic only inside windows. */
function checkProductionSync(spec: Platform, out: Located[]): void {
  const clusters: { path: PathSegment[]; cluster: Platform["cluster"] }[] =
    clusterKeys(spec).length === 0
      ? [{ path: ["cluster"], cluster: spec.cluster }]
      : clusterKeys(spec).map((key) => ({ path: ["clusters", key], cluster: clusterOf(spec, key) }));
  for (const { path, cluster } of clusters) {
    const allows = (cluster.syncWindows ?? []).some((w) => w.kind === "allow");
    if (!cluster.production || cluster.sync !== "automatic" || allows) continue;
    out.push(
      problem(
        "spec/production-auto-sync",
        [...path, "sync"],
        `${path.join(".")}: a production cluster syncs automatically at any time`,
        'leave sync unset (manual in production), or add an allow window to syncWindows (e.g. { kind: allow, schedule: "0 10 * * 2", duration: 2h })',
      ),
    );
  }
}
