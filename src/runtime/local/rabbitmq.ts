/**
 * RabbitMQ nodes of `up`, from the OS package: a tenant's own node (isolation `instance`), or a
 * zone's shared node with a vhost and a user per tenant (isolation `vhost`), as in the cluster.
 * Each node has its own ports (AMQP, management, Erlang distribution), its own port mapper
 * (epmd), its own Erlang cookie and data directory, and listens on loopback only. Its users,
 * vhosts and permissions come from a definitions file imported at every boot, holding salted
 * SHA-256 hashes, never passwords; a node that boots from definitions never creates `guest`.
 * Each tenant's user has the `management` tag only (and tenantctl's mark): its own vhost's queues
 * on the management API (what KEDA reads in the cluster), nothing else. Run by the OS user `rabbitmq` when
 * tenantctl runs as root, like PostgreSQL.
 */
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RabbitmqUser {
  readonly user: string;
  readonly password: string;
  readonly vhost: string;
}

export interface RabbitmqNode {
  /** `tenant-<name>` or `zone-<name>`: also its Erlang node name, `<name>@localhost`. */
  readonly name: string;
  readonly dir: string;
  readonly ports: {
    readonly amqp: number;
    readonly management: number;
    readonly dist: number;
    readonly epmd: number;
  };
  readonly cookie: string;
  readonly users: RabbitmqUser[];
  readonly owner: { uid: number; gid: number } | undefined;
}

export const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
export const RABBITMQCTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";
/** Marks the users tenantctl made: the only ones it ever removes. */
export const TENANTCTL_TAG = "tenantctl";
export const EPMD = "/usr/bin/epmd";

export function rabbitmqInstalled(): boolean {
  return existsSync(RABBITMQ_SERVER) && existsSync(EPMD);
}

/** The OS user RabbitMQ runs as when tenantctl runs as root (the package creates it). */
export function rabbitmqOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "rabbitmq"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ SHA-256(salt ‖ password)), 4 bytes of salt. */
export function rabbitmqPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash("sha256")
    .update(Buffer.concat([salt, Buffer.from(password, "utf8")]))
    .digest();
  return Buffer.concat([salt, digest]).toString("base64");
}

/** The definitions imported at boot: every vhost, every tenant user confined to its own. */
export function rabbitmqDefinitions(users: readonly RabbitmqUser[]): unknown {
  return {
    users: users.map((u) => ({
      name: u.user,
      password_hash: rabbitmqPasswordHash(u.password),
      hashing_algorithm: "rabbit_password_hashing_sha256",
      tags: ["management", TENANTCTL_TAG],
    })),
    vhosts: [...new Set(users.map((u) => u.vhost))].sort().map((name) => ({ name })),
    permissions: users.map((u) => ({
      user: u.user,
      vhost: u.vhost,
      configure: ".*",
      write: ".*",
      read: ".*",
    })),
  };
}

export function rabbitmqConfig(node: RabbitmqNode): string {
  return [
    `listeners.tcp.default = 127.0.0.1:${node.ports.amqp}`,
    "management.tcp.ip = 127.0.0.1",
    `management.tcp.port = ${node.ports.management}`,
    `load_definitions = ${join(node.dir, "definitions.json")}`,
    // Belt and braces: were a guest ever created, it could log in from loopback only.
    "loopback_users.guest = true",
    "log.console = true",
    "log.file = false",
    "",
  ].join("\n");
}

/** What the users job needs to reach the node: no cookie, no password (they stay in the node's files). */
export type RabbitmqNodeAddress = Omit<RabbitmqNode, "cookie" | "users"> & {
  readonly users: readonly string[];
};

/** Writes the node's config, plugins, definitions and cookie, owner-only and owned by its OS user. */
export function writeRabbitmqNode(node: RabbitmqNode): void {
  const home = join(node.dir, "home");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(node.dir, 0o700);
  const files: [string, string, number][] = [
    [join(node.dir, "rabbitmq.conf"), rabbitmqConfig(node), 0o600],
    [join(node.dir, "enabled_plugins"), "[rabbitmq_management].\n", 0o600],
    [
      join(node.dir, "definitions.json"),
      `${JSON.stringify(rabbitmqDefinitions(node.users), null, 2)}\n`,
      0o600,
    ],
    [join(node.dir, "node.json"), `${JSON.stringify(nodeAddress(node), null, 2)}\n`, 0o600],
    // Erlang refuses a cookie file others may read.
    [join(home, ".erlang.cookie"), node.cookie, 0o400],
  ];
  for (const [file, text, mode] of files) {
    if (existsSync(file)) chmodSync(file, 0o600);
    writeFileSync(file, text, { mode });
    chmodSync(file, mode);
  }
  if (node.owner) {
    for (const path of [node.dir, home, ...files.map(([file]) => file)])
      chownSync(path, node.owner.uid, node.owner.gid);
  }
}

/** The server's environment: every path in the node's directory, its ports, loopback distribution. */
export function rabbitmqEnv(node: Pick<RabbitmqNode, "name" | "dir" | "ports">): Record<string, string> {
  return {
    HOME: join(node.dir, "home"),
    RABBITMQ_NODENAME: `${node.name}@localhost`,
    RABBITMQ_CONFIG_FILE: join(node.dir, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(node.dir, "advanced.config"),
    RABBITMQ_CONF_ENV_FILE: join(node.dir, "rabbitmq-env.conf"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(node.dir, "enabled_plugins"),
    RABBITMQ_MNESIA_BASE: join(node.dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(node.dir, "log"),
    RABBITMQ_PID_FILE: join(node.dir, "rabbitmq.pid"),
    RABBITMQ_DIST_PORT: String(node.ports.dist),
    ERL_EPMD_PORT: String(node.ports.epmd),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    // Erlang distribution listens on every interface unless told otherwise.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
  };
}

function nodeAddress(node: RabbitmqNode): RabbitmqNodeAddress {
  return {
    name: node.name,
    dir: node.dir,
    ports: node.ports,
    owner: node.owner,
    users: node.users.map((u) => u.user),
  };
}

/**
 * Removes the users tenantctl made on the node for tenants it no longer runs there (a tenant
 * removed from the spec, moved to a node of its own, or not selected): definitions imported at
 * boot only ever add. Their vhosts and messages stay (data is never deleted implicitly); users
 * without tenantctl's tag are someone else's and stay too. Through rabbitmqctl, which
 * authenticates with the node's cookie: no administrator exists on the node.
 */
export function pruneStaleUsers(node: RabbitmqNodeAddress): string[] {
  const listed = rabbitmqctl(node, ["list_users", "--formatter", "json", "--silent"]);
  const users = JSON.parse(listed) as { user: string; tags: string[] }[];
  const keep = new Set(node.users);
  const stale = users
    .filter((u) => u.tags.includes(TENANTCTL_TAG))
    .map((u) => u.user)
    .filter((user) => !keep.has(user));
  for (const user of stale) rabbitmqctl(node, ["delete_user", user, "--silent"]);
  return stale;
}

/** rabbitmqctl against the node, as its OS user, with its cookie. */
export function rabbitmqctl(node: RabbitmqNodeAddress, args: readonly string[]): string {
  return execFileSync(RABBITMQCTL, [...args], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      ...rabbitmqEnv(node),
      // The CLI is an Erlang node too: its distribution listener stays on loopback as well.
      RABBITMQ_CTL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    },
    cwd: node.dir,
    ...(node.owner ?? {}),
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
}

/** The node's own port mapper, in the foreground so that the supervisor owns (and stops) it. */
export function epmdArgs(node: RabbitmqNode): string[] {
  return ["-port", String(node.ports.epmd), "-address", "127.0.0.1"];
}
