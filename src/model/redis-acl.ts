/**
 * The Redis ACL of a tenant on its zone's shared Redis (isolation `acl`), used by the
 * Kubernetes renderer and the local runtime alike: the tenant's keys and channels are those
 * under its prefix, and it may run what n8n's queue needs, but no administrative or
 * dangerous command (FLUSHALL, KEYS, CONFIG, DEBUG, …) that would reach beyond them.
 */
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
  ];
}

/** One `users.acl` line; the password part is given by the caller (a template or a hash). */
export function redisAclLine(user: string, prefix: string, passwordClause: string): string {
  const [on, ...rest] = redisAclRules(prefix);
  return ["user", user, on, passwordClause, ...rest].join(" ");
}
