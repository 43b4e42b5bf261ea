/**
 * Redis servers of `up`: a tenant's own (password required) or a zone's shared one whose ACL
 * file confines each tenant's user to its key prefix and channels (same rules as in the
 * cluster, src/model/redis-acl.ts) and holds only SHA-256 hashes of their passwords.
 * No persistence: the queue is transient, executions live in PostgreSQL.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { aclFileText } from "../../model/redis-acl.js";

export function writeRedisConfig(
  file: string,
  options: { port: number; dir: string; password?: string; aclFile?: string },
): void {
  const lines = [
    `port ${options.port}`,
    "bind 127.0.0.1",
    "protected-mode yes",
    'save ""',
    "appendonly no",
    "maxmemory-policy noeviction",
    `dir ${options.dir}`,
    ...(options.password === undefined ? [] : [`requirepass ${options.password}`]),
    ...(options.aclFile === undefined ? [] : [`aclfile ${options.aclFile}`]),
  ];
  writePrivate(file, `${lines.join("\n")}\n`);
}

export function writeAclFile(
  file: string,
  users: readonly { user: string; prefix: string; password: string }[],
): void {
  writePrivate(file, aclFileText(users));
}

/** `mode` applies only when a file is created: an existing file (from a run with another umask, or edited) is narrowed every time. */
function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}
