/**
 * When a tenant sleeps: asleep (tenantctl hibernate) or after a time without requests
 * (hibernation.idleAfter). In the cluster an idle tenant's routed workloads scale to zero on the
 * ingress controller's request count, which only an ingress controller inside the cluster
 * (nginx) exports; an ALB's counts are in CloudWatch, under names the load balancer controller
 * makes up, so there a tenant sleeps only when told to.
 */
import type { Located } from "../input/issues.js";
import type { Platform } from "../input/schema.js";
import type { EffectiveSettings } from "./defaults.js";
import { problem } from "./problem.js";
import { sourceOf } from "./settings.js";

/** Seconds of "90s", "30m" or "2h". */
export function durationSeconds(text: string): number {
  const unit = { s: 1, m: 60, h: 3600 }[text.slice(-1)] ?? 60;
  return Number(text.slice(0, -1)) * unit;
}

/** How long the tenant may go without a request before it sleeps, or undefined. */
export function idleSeconds(settings: EffectiveSettings): number | undefined {
  const idle = settings.hibernation.idleAfter;
  return idle === undefined ? undefined : durationSeconds(idle);
}

/** Whether the cluster can wake a napping tenant on a request (the ingress controller's metrics). */
export function napsInCluster(spec: Pick<Platform, "ingress">): boolean {
  return spec.ingress.className !== "alb";
}

export function checkHibernation(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  if (s.hibernation.idleAfter !== undefined && !napsInCluster(spec))
    out.push(
      problem(
        "spec/idle-needs-request-metrics",
        sourceOf(spec, i, ["hibernation", "idleAfter"]),
        `tenants[${i}].hibernation.idleAfter: with ingress className alb nothing in the cluster counts the tenant's requests, so in the cluster it does not sleep when idle (on this machine it does)`,
        "use ingress className nginx for naps in the cluster, or put the tenant to sleep with tenantctl hibernate",
        "warning",
      ),
    );
}
