import { createHash } from "node:crypto";

/**
 * A key's fingerprint: enough to tell two keys apart, nothing to recover one from (the keys are
 * random). One function for every place that shows or compares one: backup manifests, restores,
 * imports here and into a cluster.
 */
export function keyFingerprint(key: string): string {
  return `sha256:${createHash("sha256").update(`tenantctl key fingerprint\0${key}`).digest("hex").slice(0, 16)}`;
}
