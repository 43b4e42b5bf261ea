/** What the renderers that change replica counts (a staged upgrade, hibernation) read of an object. */
import type { KubernetesObject } from "./object.js";

/** KEDA's annotation that holds a ScaledObject's target at a replica count. */
export const KEDA_PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";

/** A Deployment or StatefulSet: what has replicas. */
export function isWorkload(o: KubernetesObject): boolean {
  return o.apiVersion === "apps/v1" && (o.kind === "Deployment" || o.kind === "StatefulSet");
}

/** The workload an autoscaler (ScaledObject, HorizontalPodAutoscaler) scales, or "". */
export function scaleTargetOf(o: KubernetesObject): string {
  return (o.spec as { scaleTargetRef?: { name?: string } } | undefined)?.scaleTargetRef?.name ?? "";
}

/** The object with an annotation added. */
export function annotated(o: KubernetesObject, key: string, value: string): KubernetesObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [key]: value } } };
}
