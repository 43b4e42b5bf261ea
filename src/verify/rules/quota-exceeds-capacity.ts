/**
 * Quotas are promises: when their sum exceeds what the node pools may ever provision
 * (Karpenter NodePool limits), tenants can be within quota and still not be scheduled.
 * A warning, not an error: overcommitting quotas is a legitimate choice.
 */
import { formatMillicores, millicores } from "../../input/quantity.js";
import { findingOf, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";

export const quotaExceedsCapacity: VerifyRule = {
  id: "quota-exceeds-capacity",
  severity: "warning",
  title: "Sum of tenant quotas exceeds the cluster capacity",
  description:
    "Compares the sum of the tenants' ResourceQuota CPU requests with the sum of the Karpenter NodePools' CPU limits, the capacity the cluster may grow to.",
  check(ctx) {
    let capacity = 0;
    const pools = ctx.input.objects.filter((o) => o.object.kind === "NodePool");
    for (const pool of pools) {
      const cpu = (pool.object.spec as { limits?: { cpu?: unknown } } | undefined)?.limits?.cpu;
      if (cpu === undefined) return []; // a pool without a limit: capacity is unbounded
      capacity += millicores(String(cpu));
    }
    if (pools.length === 0) return [];
    let promised = 0;
    const quotas = ctx.input.objects.filter((o) => o.object.kind === "ResourceQuota");
    for (const quota of quotas) {
      const hard = (quota.object.spec as { hard?: Record<string, unknown> } | undefined)?.hard ?? {};
      const cpu = hard["requests.cpu"] ?? hard.cpu;
      if (cpu !== undefined) promised += millicores(String(cpu));
    }
    if (promised <= capacity) return [];
    return [
      findingOf(this, {
        message: `the tenants' quotas promise ${formatMillicores(promised)} CPU; the node pools may provision at most ${formatMillicores(capacity)}`,
        objects: pools.map(refOf),
        fix: "raise the NodePool CPU limits, or lower tenant quotas; overcommitting is a choice, this is a reminder",
      }),
    ];
  },
};
