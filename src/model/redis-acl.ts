/**
 * The Redis ACL of a tenant on its zone's shared Redis (isolation `acl`), used by the
 * Kubernetes renderer and the local runtime alike: the tenant's keys and channels are those
 * under its prefix, and it may run what n8n's queue needs, but no administrative or
 * dangerous command (FLUSHALL, KEYS, CONFIG, DEBUG, …) that would reach beyond them.
 */
import { createHash } from "node:crypto";

export function redisAclRules(prefix: string): string[] {
  return [
    "on",
    "resetkeys",
    "resetchannels",
    `~${prefix}:*`,
    `&${prefix}:*`,
    "+@all",
    "-@admin",
    "-@dangerous",
    "+info",
    ...ENUMERATION_DENIED,
  ];
}

/**
 * Commands that key and channel patterns do not confine, because they take no key or
 * channel: each would show a tenant the other tenants' key names, channels or databases.
 * Neither n8n nor Bull sends any of them (Bull lists its own keys by name, in Lua scripts
 * whose keys Redis 7 checks; n8n subscribes to channels it names). An allow-list of only
 * what n8n sends would be tighter; the e2e suite runs n8n 2.x under these rules (no refusal
 * in its logs), the ground on which such a list could be proven. Until then the enumerating
 * commands are denied by name.
 */
const ENUMERATION_DENIED = [
  "-scan",
  "-randomkey",
  "-dbsize",
  "-select",
  "-swapdb",
  "-move",
  "-pubsub|channels",
  "-pubsub|numsub",
  "-pubsub|numpat",
  "-pubsub|shardchannels",
  "-pubsub|shardnumsub",
  "-script|kill",
  "-script|flush",
  "-function",
  "-memory|stats",
  "-memory|doctor",
  "-memory|malloc-stats",
  "-client|list",
  "-client|kill",
];

/** One `users.acl` line; the password part is given by the caller (a template or a hash). */
export function redisAclLine(user: string, prefix: string, passwordClause: string): string {
  const [on, ...rest] = redisAclRules(prefix);
  return ["user", user, on, passwordClause, ...rest].join(" ");
}

/** A whole ACL file: the default user off, then one line per tenant with the SHA-256 of its password. */
export function aclFileText(users: readonly { user: string; prefix: string; password: string }[]): string {
  const lines = ["user default off"];
  for (const u of users) {
    lines.push(redisAclLine(u.user, u.prefix, `#${createHash("sha256").update(u.password).digest("hex")}`));
  }
  return `${lines.join("\n")}\n`;
}
