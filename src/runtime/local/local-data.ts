/**
 * The data servers of the local plan, each added once however many tenants use it: a tenant's
 * own PostgreSQL (isolation cluster or rds) or a database on its zone's server (database), with
 * a provisioning job per server; its own Redis (instance) or an ACL user on its zone's (acl);
 * its own RabbitMQ node (instance) or a vhost on its zone's (vhost), each node with its epmd.
 */
import { join } from "node:path";
import { usesSharedServer } from "../../model/data-services.js";
import type { TenantModel } from "../../model/resolve.js";
import { databaseName, databaseRole, redisAclUser } from "../../model/secrets.js";
import type { ServiceSpec } from "./plan.js";
import {
  type DatabaseGrant,
  instanceFor,
  type PostgresInstance,
  postgresArgs,
  postgresOwner,
} from "./postgres.js";
import { postgresBinDir, redisServer } from "./prerequisites.js";
import {
  EPMD,
  epmdArgs,
  RABBITMQ_SERVER,
  type RabbitmqNode,
  rabbitmqEnv,
  rabbitmqOwner,
} from "./rabbitmq.js";
import { runtimeScript } from "./scripts.js";
import type { StateDir } from "./state.js";

export interface LocalDatabase {
  readonly instance: string;
  readonly port: number;
  readonly name: string;
  readonly user: string;
}

export interface LocalRedisServer {
  readonly name: string;
  readonly port: number;
  readonly password?: string;
  readonly acl?: { user: string; prefix: string; password: string }[];
}

export interface LocalRabbitmq {
  readonly instance: string;
  readonly port: number;
  readonly managementPort: number;
  readonly vhost: string;
  readonly user: string;
}

/** The servers and their services, as the tenant loop adds them. */
export interface DataLayout {
  readonly services: ServiceSpec[];
  readonly postgres: Map<string, { instance: PostgresInstance; grants: DatabaseGrant[] }>;
  readonly redis: Map<string, LocalRedisServer>;
  readonly rabbitmq: Map<string, RabbitmqNode>;
}

/** A data server's name: the zone's when the tenant shares it, else the tenant's own. */
function serverName(tenant: TenantModel, shared: boolean): string {
  return shared ? `zone-${tenant.zone.name}` : `tenant-${tenant.name}`;
}

/** A one-off job of tenantctl's own on a server once it is ready (it reads what `up` wrote into the state directory). */
function serverJob(
  service: string,
  script: "provision-main" | "rabbitmq-users-main",
  state: StateDir,
  server: string,
  after: string,
): ServiceSpec {
  return {
    name: service,
    tenant: undefined,
    kind: "provision",
    command: process.execPath,
    args: [runtimeScript(script), state.root, server],
    env: {},
    ready: { type: "exit" },
    dependsOn: [after],
    restart: false,
    stopSignal: "SIGTERM",
  };
}

/** The service names a tenant's processes wait for: its provisioned database, its Redis, its RabbitMQ. */
export function dataDependencies(
  database: LocalDatabase,
  redis: { instance: string },
  rabbitmq: LocalRabbitmq | undefined,
): string[] {
  return [
    `provision:${database.instance}`,
    `redis:${redis.instance}`,
    ...(rabbitmq === undefined ? [] : [`rabbitmq:${rabbitmq.instance}`]),
  ];
}

/** The tenant's PostgreSQL (its own server, or its zone's), its grant and its provisioning job. */
export async function addDatabase(
  state: StateDir,
  layout: DataLayout,
  tenant: TenantModel,
  password: string,
): Promise<LocalDatabase> {
  const shared = tenant.settings.database.isolation === "database";
  const name = serverName(tenant, shared);
  let entry = layout.postgres.get(name);
  if (entry === undefined) {
    const owner = postgresOwner();
    const instance = instanceFor(state, name, await state.port(`postgres:${name}`), owner);
    entry = { instance, grants: [] };
    layout.postgres.set(name, entry);
    layout.services.push(
      {
        name: `postgres:${name}`,
        tenant: shared ? undefined : tenant.name,
        kind: "postgres",
        command: join(postgresBinDir() ?? "/usr/lib/postgresql/15/bin", "postgres"),
        args: postgresArgs(instance),
        env: {},
        ...(owner === undefined ? {} : { uid: owner.uid, gid: owner.gid }),
        ready: { type: "tcp", port: instance.port },
        dependsOn: [],
        restart: true,
        stopSignal: "SIGINT",
      },
      serverJob(`provision:${name}`, "provision-main", state, name, `postgres:${name}`),
    );
  }
  const user = databaseRole(tenant);
  const database = shared ? databaseName(tenant) : user;
  entry.grants.push({ database, role: user, password });
  return { instance: name, port: entry.instance.port, name: database, user };
}

/** The tenant's Redis: its own server, or an ACL user on its zone's. */
export async function addRedis(
  state: StateDir,
  layout: DataLayout,
  tenant: TenantModel,
  password: string,
): Promise<{ instance: string; port: number }> {
  const acl = tenant.settings.redis.isolation === "acl";
  const name = serverName(tenant, acl);
  let entry = layout.redis.get(name);
  if (entry === undefined) {
    const port = await state.port(`redis:${name}`);
    entry = acl ? { name, port, acl: [] } : { name, port, password };
    layout.redis.set(name, entry);
    layout.services.push({
      name: `redis:${name}`,
      tenant: acl ? undefined : tenant.name,
      kind: "redis",
      command: redisServer() ?? "redis-server",
      args: [state.path("redis", name, "redis.conf")],
      env: {},
      ready: { type: "tcp", port },
      dependsOn: [],
      restart: true,
      stopSignal: "SIGTERM",
    });
  }
  if (acl) entry.acl?.push({ user: redisAclUser(tenant), prefix: tenant.redisPrefix, password });
  return { instance: name, port: entry.port };
}

/**
 * The tenant's RabbitMQ: a node of its own (its user on vhost `/`, as the default user of its
 * own RabbitmqCluster), or a vhost and a user named as opaquely as its shared database on its
 * zone's node. Each node runs with a port mapper of its own.
 */
export async function addRabbitmq(
  state: StateDir,
  layout: DataLayout,
  tenant: TenantModel,
  password: string,
): Promise<LocalRabbitmq> {
  const shared = usesSharedServer(tenant.settings, tenant.product.dataServices, "rabbitmq");
  const name = serverName(tenant, shared);
  let node = layout.rabbitmq.get(name);
  if (node === undefined) {
    const port = (purpose: string) => state.port(`rabbitmq-${purpose}:${name}`);
    node = {
      name,
      dir: state.path("rabbitmq", name),
      ports: {
        amqp: await port("amqp"),
        management: await port("management"),
        dist: await port("dist"),
        epmd: await port("epmd"),
      },
      cookie: state.secrets(`rabbitmq-${name}`, ["cookie"]).cookie ?? "",
      users: [],
      owner: rabbitmqOwner(),
    };
    layout.rabbitmq.set(name, node);
    const owner = node.owner === undefined ? {} : { uid: node.owner.uid, gid: node.owner.gid };
    layout.services.push(
      {
        name: `epmd:${name}`,
        tenant: shared ? undefined : tenant.name,
        kind: "epmd",
        command: EPMD,
        args: epmdArgs(node),
        env: {},
        ...owner,
        ready: { type: "tcp", port: node.ports.epmd },
        dependsOn: [],
        restart: true,
        stopSignal: "SIGTERM",
      },
      {
        name: `rabbitmq:${name}`,
        tenant: shared ? undefined : tenant.name,
        kind: "rabbitmq",
        command: RABBITMQ_SERVER,
        args: [],
        env: rabbitmqEnv(node),
        cwd: node.dir,
        ...owner,
        // The management listener opens last, after the definitions are imported and AMQP listens.
        ready: { type: "tcp", port: node.ports.management },
        dependsOn: [`epmd:${name}`],
        restart: true,
        stopSignal: "SIGTERM",
      },
      serverJob(`rabbitmq-users:${name}`, "rabbitmq-users-main", state, name, `rabbitmq:${name}`),
    );
  }
  const user = shared ? tenant.sharedDataIdentifier : tenant.name;
  const vhost = shared ? tenant.sharedDataIdentifier : "/";
  node.users.push({ user, password, vhost });
  return { instance: name, port: node.ports.amqp, managementPort: node.ports.management, vhost, user };
}
