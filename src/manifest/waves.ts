/**
 * Sync waves (Argo CD's `argocd.argoproj.io/sync-wave`): add-ons and admission first, then the
 * cluster's pools and stores, the projects and application sets; in a tenant: namespace, then
 * what isolates it, then secrets and data services, the product's workloads, their scaling last. `tenantctl apply` orders by the
 * same waves, so both paths create things in the same order.
 */
import type { KubernetesObject } from "./object.js";

export const WAVE = {
  addons: -30,
  admission: -25,
  clusterServices: -20,
  projects: -15,
  applications: -12,
  namespace: -10,
  isolation: -9,
  secrets: -5,
  data: 0,
  /** A release change under way (render/kubernetes/upgrade-stage.ts): the backup, the others stopped, the migrator alone. */
  upgradeBackup: 2,
  upgradeStop: 3,
  upgradeMigrate: 4,
  app: 5,
  scaling: 10,
} as const;
export type Wave = (typeof WAVE)[keyof typeof WAVE];

export const SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave";

export function inWave(wave: Wave, objects: readonly KubernetesObject[]): KubernetesObject[] {
  return objects.map((o) => ({
    ...o,
    metadata: {
      ...o.metadata,
      annotations: { ...o.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(wave) },
    },
  }));
}

export function waveOf(object: KubernetesObject): number | undefined {
  const value = object.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  return value === undefined ? undefined : Number(value);
}
