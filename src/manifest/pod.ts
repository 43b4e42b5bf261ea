/**
 * Pod building blocks that hold Pod Security `restricted` for every workload tenantctl
 * renders: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp, a
 * read-only root filesystem (writable emptyDirs where a process needs to write), and no
 * service-account token in the pod.
 */
import type { EffectiveResources } from "../model/defaults.js";
import type { EnvVar } from "../products/contract/environment.js";
import type { Placement } from "../model/scheduling.js";

export const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
} as const;

export function restrictedPodSecurity(uid: number): Record<string, unknown> {
  return {
    fsGroup: uid,
    runAsGroup: uid,
    runAsNonRoot: true,
    runAsUser: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerResources(resources: EffectiveResources): Record<string, unknown> {
  return {
    limits: { cpu: resources.limits.cpu, memory: resources.limits.memory },
    requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
  };
}

/** Kubernetes env entries from the environment builder's variables. */
export function kubernetesEnv(env: readonly EnvVar[]): Record<string, unknown>[] {
  return env.map(({ name, from }) =>
    "value" in from
      ? { name, value: from.value }
      : { name, valueFrom: { secretKeyRef: { key: from.secretRef.key, name: from.secretRef.secret } } },
  );
}

export function emptyDir(name: string, sizeLimit: string): Record<string, unknown> {
  return { emptyDir: { sizeLimit }, name };
}

/** Spread replicas over availability zones (best effort) and nodes. */
export function topologySpread(matchLabels: Readonly<Record<string, string>>): Record<string, unknown>[] {
  return [
    {
      labelSelector: { matchLabels },
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
    },
    {
      labelSelector: { matchLabels },
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
    },
  ];
}

export function placementFields(placement: Placement): Record<string, unknown> {
  return {
    nodeSelector: placement.nodeSelector,
    ...(placement.tolerations.length === 0 ? {} : { tolerations: placement.tolerations }),
  };
}

/** An image reference's tag (`docker.n8n.io/n8nio/n8n:2.41.1` → 2.41.1); undefined when pinned by digest or untagged. */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const colon = image.lastIndexOf(":");
  // A colon before the last slash is a registry's port, not a tag.
  return colon < 0 || colon < image.lastIndexOf("/") ? undefined : image.slice(colon + 1);
}
