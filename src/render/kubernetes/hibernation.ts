/**
 * A tenant asleep or napping, as Argo CD carries it out.
 *
 * Asleep (`hibernation.asleep`, tenantctl hibernate): every workload of its product at zero,
 * its autoscalers paused at zero (KEDA's paused-replicas), and its own PostgreSQL server
 * hibernated (CloudNativePG's declarative hibernation: the pods go, the volumes stay). A request
 * then gets the ingress controller's 503 until `tenantctl wake` is applied: a hibernated database
 * wakes only through Git, since Argo CD would undo anything else.
 *
 * Napping (`hibernation.idleAfter`, ingress nginx): each workload behind the tenant's Ingress is
 * scaled by a KEDA ScaledObject on the ingress controller's request rate for the tenant's hosts,
 * from zero, back to zero after idleAfter without a request; an HPA on it becomes a CPU trigger
 * of that ScaledObject (KEDA scales to zero only with a trigger other than CPU); the other
 * autoscaled workloads (queue consumers) may go to zero too, since their own triggers wake them.
 * The database keeps running. Chosen over KEDA's HTTP add-on, still beta, whose interceptor is
 * one proxy in front of every tenant's traffic (customer-data zones' too) in the add-on's
 * namespace: here the request goes the way it always goes, and the first ones while the
 * workloads start get the ingress controller's 503, which webhook senders retry.
 */
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";
import { inWave, WAVE } from "../../manifest/waves.js";
import { idleSeconds } from "../../model/hibernation.js";
import { PROMETHEUS_SERVER } from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { annotated, isWorkload, KEDA_PAUSED_REPLICAS, scaleTargetOf } from "../../manifest/scaling.js";

/** CloudNativePG's annotation for declarative hibernation. */
export const CNPG_HIBERNATION = "cnpg.io/hibernation";

/** Requests per second per replica before a napping workload gets another (and its CPU trigger). */
const REQUESTS_PER_REPLICA = "5";

/** The tenant's own database server, hibernated while the tenant is asleep. */
export function hibernateData(tenant: TenantModel, objects: readonly KubernetesObject[]): KubernetesObject[] {
  if (!tenant.settings.hibernation.asleep) return [...objects];
  return objects.map((o) =>
    o.apiVersion === "postgresql.cnpg.io/v1" && o.kind === "Cluster"
      ? annotated(o, CNPG_HIBERNATION, "on")
      : o,
  );
}

/** The product's workloads and autoscalers, asleep or napping as the tenant's settings say. */
export function hibernateWorkloads(
  model: Model,
  tenant: TenantModel,
  objects: readonly KubernetesObject[],
): KubernetesObject[] {
  if (tenant.settings.hibernation.asleep) return objects.map(asleep);
  const idle = idleSeconds(tenant.settings);
  if (idle === undefined || model.ingress.className === "alb") return [...objects];
  return nap(tenant, objects, idle);
}

function asleep(o: KubernetesObject): KubernetesObject {
  if (isWorkload(o)) return { ...o, spec: { ...(o.spec as object), replicas: 0 } };
  if (o.kind === "ScaledObject") return annotated(o, KEDA_PAUSED_REPLICAS, "0");
  return o;
}

function nap(tenant: TenantModel, objects: readonly KubernetesObject[], idle: number): KubernetesObject[] {
  const routed = routedWorkloads(objects);
  if (routed.size === 0) return [...objects];
  const trigger = requestTrigger(ingressHosts(objects));
  const scaled = new Set<string>();
  const out: KubernetesObject[] = [];
  for (const o of objects) {
    const target = scaleTargetOf(o);
    if (o.kind === "HorizontalPodAutoscaler" && routed.has(target)) {
      scaled.add(target);
      out.push(scaledObject(tenant, target, maxOf(o), idle, [...cpuTriggers(o), trigger]));
    } else if (o.kind === "ScaledObject") {
      if (routed.has(target)) scaled.add(target);
      const spec = o.spec as { triggers?: unknown[] };
      out.push({
        ...o,
        spec: {
          ...spec,
          cooldownPeriod: idle,
          minReplicaCount: 0,
          ...(routed.has(target) ? { triggers: [...(spec.triggers ?? []), trigger] } : {}),
        },
      });
    } else out.push(o);
  }
  for (const name of routed) {
    if (scaled.has(name)) continue;
    const workload = objects.find((o) => isWorkload(o) && o.metadata.name === name);
    const replicas = (workload?.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    out.push(scaledObject(tenant, name, Math.max(1, replicas), idle, [trigger]));
  }
  // KEDA owns the replica count of what it scales: a fixed count in Git would fight it.
  return out.map((o) => (isWorkload(o) && routed.has(o.metadata.name) ? withoutReplicas(o) : o));
}

/** The Deployments the tenant's Ingress sends requests to (through their Services' selectors). */
function routedWorkloads(objects: readonly KubernetesObject[]): Set<string> {
  const services = new Set(
    objects
      .filter((o) => o.kind === "Ingress")
      .flatMap((o) => rulesOf(o).flatMap((r) => r.http?.paths ?? []))
      .map((p) => p.backend?.service?.name)
      .filter((n): n is string => n !== undefined),
  );
  const selectors = objects
    .filter((o) => o.kind === "Service" && services.has(o.metadata.name))
    .map((o) => (o.spec as { selector?: Record<string, string> }).selector ?? {});
  return new Set(
    objects
      .filter((o) => isWorkload(o))
      .filter((o) => {
        const labels =
          (o.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata
            ?.labels ?? {};
        return selectors.some(
          (s) => Object.keys(s).length > 0 && Object.entries(s).every(([k, v]) => labels[k] === v),
        );
      })
      .map((o) => o.metadata.name),
  );
}

interface IngressRule {
  readonly host?: string;
  readonly http?: {
    readonly paths?: { readonly backend?: { readonly service?: { readonly name?: string } } }[];
  };
}

function rulesOf(o: KubernetesObject): IngressRule[] {
  return ((o.spec as { rules?: IngressRule[] }).rules ?? []) as IngressRule[];
}

function ingressHosts(objects: readonly KubernetesObject[]): string[] {
  return [
    ...new Set(
      objects
        .filter((o) => o.kind === "Ingress")
        .flatMap(rulesOf)
        .flatMap((r) => (r.host === undefined ? [] : [r.host])),
    ),
  ].sort();
}

/** The request rate to the tenant's hosts, as ingress-nginx counts it (503s while asleep included). */
function requestQuery(hosts: readonly string[]): string {
  const pattern = hosts.map((h) => h.replaceAll(".", "\\\\.")).join("|");
  return `sum(rate(nginx_ingress_controller_requests{host=~"${pattern}"}[2m]))`;
}

function requestTrigger(hosts: readonly string[]) {
  return {
    metadata: {
      activationThreshold: "0",
      query: requestQuery(hosts),
      serverAddress: PROMETHEUS_SERVER,
      threshold: REQUESTS_PER_REPLICA,
    },
    type: "prometheus",
  };
}

function cpuTriggers(hpa: KubernetesObject): unknown[] {
  const metrics =
    (hpa.spec as { metrics?: { resource?: { name?: string; target?: { averageUtilization?: number } } }[] })
      .metrics ?? [];
  return metrics
    .filter((m) => m.resource?.name === "cpu" && m.resource.target?.averageUtilization !== undefined)
    .map((m) => ({
      metadata: { value: String(m.resource?.target?.averageUtilization) },
      metricType: "Utilization",
      type: "cpu",
    }));
}

function scaledObject(
  tenant: TenantModel,
  target: string,
  max: number,
  idle: number,
  triggers: unknown[],
): KubernetesObject {
  const [object] = inWave(WAVE.scaling, [
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: tenantMeta(tenant, target),
      spec: {
        cooldownPeriod: idle,
        maxReplicaCount: max,
        minReplicaCount: 0,
        pollingInterval: 10,
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
        triggers,
      },
    },
  ]);
  return object as KubernetesObject;
}

function maxOf(hpa: KubernetesObject): number {
  return (hpa.spec as { maxReplicas?: number }).maxReplicas ?? 1;
}

function withoutReplicas(o: KubernetesObject): KubernetesObject {
  const spec = { ...(o.spec as Record<string, unknown>) };
  delete spec.replicas;
  return { ...o, spec };
}
