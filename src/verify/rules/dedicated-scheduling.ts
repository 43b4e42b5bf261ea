/**
 * A dedicated tenant's node pool holds that tenant only: its taint is tolerated by its
 * own pods and nobody else's, and its pods are pinned to it by node selector (else they
 * could land on shared nodes, where the taint protects nothing).
 */
import { NODE_POOL } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf, type SourcedObject } from "../input.js";
import { podSpecOf } from "../workloads.js";
import { list, scopeOf } from "./scope.js";

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export const dedicatedScheduling: VerifyRule = {
  id: "dedicated-scheduling",
  severity: "error",
  title: "Dedicated node pool shared, or dedicated tenant on shared nodes",
  description:
    "Only a dedicated tenant's own pods may tolerate its pool's taint (a wildcard toleration counts), and every pod of a dedicated tenant must select its pool with nodeSelector tenantctl.io/node-pool.",
  check(ctx) {
    const out: Finding[] = [];
    const dedicatedPools = new Map(
      ctx.model.tenants
        .filter((t) => t.settings.tier === "dedicated")
        .map((t) => [NODE_POOL.tenant(t.name), t.name]),
    );
    if (dedicatedPools.size === 0) return out;
    for (const source of ctx.input.objects) {
      const spec = podSpecOf(source.object);
      if (spec === undefined) continue;
      const tenant = scopeOf(ctx, source).tenant;
      const ownPool = tenant?.settings.tier === "dedicated" ? NODE_POOL.tenant(tenant.name) : undefined;
      const name = workloadName(source);
      for (const [i, t] of list<Toleration>(spec.tolerations).entries()) {
        for (const [pool, owner] of dedicatedPools) {
          if (pool === ownPool || !tolerates(t, pool)) continue;
          out.push(
            findingOf(this, {
              message: `${name} tolerates the taint of tenant ${owner}'s dedicated pool ${pool} (spec.tolerations[${i}]${t.operator === "Exists" ? ", operator Exists" : ""})`,
              objects: [refOf(source)],
              fix: `remove the toleration, or limit it to key ${NODE_POOL.key} with the pool this workload belongs on`,
              tenant: tenant?.name,
            }),
          );
        }
      }
      if (ownPool !== undefined) {
        const selected = (spec.nodeSelector as Record<string, string> | undefined)?.[NODE_POOL.key];
        if (selected !== ownPool) {
          out.push(
            findingOf(this, {
              message: `${name} of dedicated tenant ${tenant?.name} does not select its pool (nodeSelector ${NODE_POOL.key}: ${selected ?? "unset"}, expected ${ownPool}): it can run on shared nodes`,
              objects: [refOf(source)],
              fix: `set nodeSelector ${NODE_POOL.key}: ${ownPool} and tolerate only that pool's taint`,
              tenant: tenant?.name,
            }),
          );
        }
      }
    }
    return out;
  },
};

function tolerates(t: Toleration, pool: string): boolean {
  if (t.effect !== undefined && t.effect !== "" && t.effect !== "NoSchedule") return false;
  if (t.key === undefined || t.key === "") return t.operator === "Exists";
  if (t.key !== NODE_POOL.key) return false;
  return t.operator === "Exists" || t.value === pool;
}

function workloadName(source: SourcedObject): string {
  return `${source.object.kind} ${source.object.metadata.namespace ?? "default"}/${source.object.metadata.name}`;
}
