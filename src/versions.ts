/**
 * Every version tenantctl pins, in one place: src/versions.json (scripts read it too).
 * - n8n: the release run by default; a tenant may override it with n8n.version.
 * - n8nSupported: the releases the test suite runs end to end and checks the environment
 *   against (the default first); tenants may pin others at their own risk.
 * - n8nRunnersImage: the official task runners image; its tag follows the n8n version.
 * - cloudnativePg: the operator whose CRDs the Cluster/Database objects are checked against.
 * Changing a pin is a one-line diff that reviewers can find.
 */
import pins from "./versions.json" with { type: "json" };

export const PINNED = pins;

/**
 * The first n8n release whose Redis pub/sub channels carry N8N_REDIS_KEY_PREFIX
 * (`<prefix>:n8n.commands`). Read off the published packages: 1.123.81, 2.0.3 and 2.1.4
 * publish on the bare `n8n.commands`; 2.3.2 prefixes it. Older releases cannot be confined to
 * an ACL user's channels on a shared Redis.
 */
export const N8N_PREFIXED_PUBSUB_SINCE = "2.3.0";

/** Compares two x.y.z versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
