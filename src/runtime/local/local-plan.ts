/**
 * The local plan of a platform: per tenant its own PostgreSQL (isolation cluster or rds) or a
 * database on its zone's shared server (database), its own Redis (instance) or an ACL user on
 * its zone's (acl), when its product talks to RabbitMQ its own node (instance) or a vhost on its
 * zone's (vhost), a provisioning job per PostgreSQL server, and the product's processes as its
 * contract plans them (src/products/<name>/local.ts), with the environment from the same
 * builder as in the cluster.
 */
import { join } from "node:path";
import type { Model, TenantModel } from "../../model/resolve.js";
import { databaseName, databaseRole, redisAclUser } from "../../model/secrets.js";
import { usesSharedServer } from "../../model/data-services.js";
import type { LocalProcess } from "../../products/contract/builders.js";
import type { DataConnections, EnvVar, SecretRef } from "../../products/contract/environment.js";
import { productLocal } from "../../products/local.js";
import type { Plan, RouterSpec, ServiceSpec } from "./plan.js";
import {
  type DatabaseGrant,
  instanceFor,
  type PostgresInstance,
  postgresArgs,
  postgresOwner,
} from "./postgres.js";
import { postgresBinDir, redisServer } from "./prerequisites.js";
import { ensurePythonEnvironment } from "./python-env.js";
import {
  EPMD,
  epmdArgs,
  RABBITMQ_SERVER,
  type RabbitmqNode,
  rabbitmqEnv,
  rabbitmqOwner,
} from "./rabbitmq.js";
import { cacheRoot } from "./cache.js";
import { runtimeScript } from "./scripts.js";
import type { StateDir } from "./state.js";
export interface LocalTenant {
  readonly tenant: TenantModel;
  readonly url: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly database: {
    readonly instance: string;
    readonly port: number;
    readonly name: string;
    readonly user: string;
  };
  readonly redis: { readonly instance: string; readonly port: number; readonly user: string | undefined };
  /** Set when its product talks to RabbitMQ. */
  readonly rabbitmq?: {
    readonly instance: string;
    readonly port: number;
    readonly managementPort: number;
    readonly vhost: string;
    readonly user: string;
  };
}

export interface LocalLayout {
  readonly plan: Plan;
  readonly tenants: readonly LocalTenant[];
  readonly postgres: readonly { instance: PostgresInstance; grants: DatabaseGrant[] }[];
  readonly redis: readonly {
    name: string;
    port: number;
    password?: string;
    acl?: { user: string; prefix: string; password: string }[];
  }[];
  readonly rabbitmq: readonly RabbitmqNode[];
}

/** What the runtime lends the products' local plans: where the spec is, and Python environments. */
export interface LocalLayoutOptions {
  readonly specDirectory: string;
  pythonEnvironment(requirementsFile: string): Promise<string>;
}

/** The data services' local secrets; the product adds its own keys. */
const DATA_SECRET_KEYS = ["dbPassword", "redisPassword", "rabbitmqPassword"];
/**
 * Locally a secret reference names the tenant's 0600 file; the user names of shared servers are
 * not secrets (FIXED); any other secret (a product's `secretEnv` item, kept in Secrets Manager
 * in the cluster) gets values generated once into a 0600 file of its own.
 */
const TENANT_SECRET = "tenant";
const FIXED = "tenant-fixed";

/** What the tenant loop builds up: servers shared between tenants are added once. */
interface Layout {
  readonly services: ServiceSpec[];
  readonly routers: RouterSpec[];
  readonly postgres: Map<string, { instance: PostgresInstance; grants: DatabaseGrant[] }>;
  readonly redis: Map<string, LocalLayout["redis"][number]>;
  readonly rabbitmq: Map<string, RabbitmqNode>;
  readonly tenants: LocalTenant[];
}

export async function buildLocalLayout(
  state: StateDir,
  model: Model,
  tenants: readonly TenantModel[],
  options: LocalLayoutOptions = {
    specDirectory: process.cwd(),
    pythonEnvironment: (file) => ensurePythonEnvironment(file, () => undefined),
  },
): Promise<LocalLayout> {
  const layout: Layout = {
    services: [],
    routers: [],
    postgres: new Map(),
    redis: new Map(),
    rabbitmq: new Map(),
    tenants: [],
  };
  for (const tenant of tenants) await addTenant(state, layout, tenant, options);
  return {
    plan: { platform: model.platform, services: layout.services, routers: layout.routers },
    tenants: layout.tenants,
    postgres: [...layout.postgres.values()],
    redis: [...layout.redis.values()],
    rabbitmq: [...layout.rabbitmq.values()],
  };
}

async function addTenant(
  state: StateDir,
  layout: Layout,
  tenant: TenantModel,
  options: LocalLayoutOptions,
): Promise<void> {
  const local = productLocal(tenant.product.kind);
  const secrets = state.secrets(`tenant-${tenant.name}`, [...local.secretKeys, ...DATA_SECRET_KEYS]);
  const secret = (key: string) => secrets[key] ?? "";
  const database = await addDatabase(state, layout, tenant, secret("dbPassword"));
  const redis = await addRedis(state, layout, tenant, secret("redisPassword"));
  const acl = tenant.settings.redis.isolation === "acl";
  const rabbitmq = tenant.product.dataServices.includes("rabbitmq")
    ? await addRabbitmq(state, layout, tenant, secret("rabbitmqPassword"))
    : undefined;
  const routerPort = await state.port(`router:${tenant.name}`);
  const connections: DataConnections = {
    database: {
      host: { value: "127.0.0.1" },
      port: { value: String(database.port) },
      name: { value: database.name },
      user: { value: database.user },
      password: { secret: TENANT_SECRET, key: "dbPassword" },
      tls: { mode: "off" },
    },
    redis: {
      host: "127.0.0.1",
      port: redis.port,
      ...(acl ? { username: { secret: FIXED, key: "redisUser" } } : {}),
      password: { secret: TENANT_SECRET, key: "redisPassword" },
    },
    ...(rabbitmq === undefined
      ? {}
      : {
          rabbitmq: {
            host: "127.0.0.1",
            port: rabbitmq.port,
            vhost: rabbitmq.vhost,
            managementPort: rabbitmq.managementPort,
            username: { secret: FIXED, key: "rabbitmqUser" },
            password: { secret: TENANT_SECRET, key: "rabbitmqPassword" },
          },
        }),
  };
  const fixed: Record<string, string> = {
    redisUser: redisAclUser(tenant),
    ...(rabbitmq === undefined ? {} : { rabbitmqUser: rabbitmq.user }),
  };
  const valueOf = (ref: SecretRef): string => {
    if (ref.secret === TENANT_SECRET) return secret(ref.key);
    if (ref.secret === FIXED) return fixed[ref.key] ?? "";
    return state.secrets(`tenant-${tenant.name}--${ref.secret}`, [ref.key])[ref.key] ?? "";
  };
  const resolve = (vars: readonly EnvVar[]) =>
    Object.fromEntries(
      vars.map((v) => [v.name, "value" in v.from ? v.from.value : valueOf(v.from.secretRef)]),
    );
  const planned = await local.plan({
    tenant,
    publicPort: routerPort,
    connections,
    node: process.execPath,
    systemPath: process.env.PATH ?? "/usr/bin:/bin",
    nodeVersion: process.versions.node,
    cache: cacheRoot(),
    port: (purpose) => state.port(purpose),
    directory: (...parts) => state.ensure(...parts),
    resolve,
    secret,
    secretRef: (key) => ({ secret: TENANT_SECRET, key }),
    specDirectory: options.specDirectory,
    pythonEnvironment: (file) => options.pythonEnvironment(file),
  });
  const dataDependencies = [
    `provision:${database.instance}`,
    `redis:${redis.instance}`,
    ...(rabbitmq === undefined ? [] : [`rabbitmq:${rabbitmq.instance}`]),
  ];
  for (const p of planned.processes)
    layout.services.push(serviceOf(tenant, p, planned.processes, dataDependencies));
  layout.routers.push({
    tenant: tenant.name,
    port: routerPort,
    routes: planned.routes,
    health: planned.health,
  });
  const first = planned.routes[0];
  layout.tenants.push({
    tenant,
    url: `http://${first?.host === undefined ? "127.0.0.1" : `${first.host}.localhost`}:${routerPort}/`,
    secrets,
    database,
    redis: { instance: redis.instance, port: redis.port, user: acl ? redisAclUser(tenant) : undefined },
    ...(rabbitmq === undefined ? {} : { rabbitmq }),
  });
}

/** The tenant's PostgreSQL (its own server, or its zone's), its grant and its provisioning job. */
async function addDatabase(
  state: StateDir,
  layout: Layout,
  tenant: TenantModel,
  password: string,
): Promise<LocalTenant["database"]> {
  const shared = tenant.settings.database.isolation === "database";
  const name = shared ? `zone-${tenant.zone.name}` : `tenant-${tenant.name}`;
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
      {
        name: `provision:${name}`,
        tenant: undefined,
        kind: "provision",
        command: process.execPath,
        args: [runtimeScript("provision-main"), state.root, name],
        env: {},
        ready: { type: "exit" },
        dependsOn: [`postgres:${name}`],
        restart: false,
        stopSignal: "SIGTERM",
      },
    );
  }
  const user = databaseRole(tenant);
  const database = shared ? databaseName(tenant) : user;
  entry.grants.push({ database, role: user, password });
  return { instance: name, port: entry.instance.port, name: database, user };
}

/** The tenant's Redis: its own server, or an ACL user on its zone's. */
async function addRedis(
  state: StateDir,
  layout: Layout,
  tenant: TenantModel,
  password: string,
): Promise<{ instance: string; port: number }> {
  const acl = tenant.settings.redis.isolation === "acl";
  const name = acl ? `zone-${tenant.zone.name}` : `tenant-${tenant.name}`;
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
async function addRabbitmq(
  state: StateDir,
  layout: Layout,
  tenant: TenantModel,
  password: string,
): Promise<NonNullable<LocalTenant["rabbitmq"]>> {
  const shared = usesSharedServer(tenant.settings, tenant.product.dataServices, "rabbitmq");
  const name = shared ? `zone-${tenant.zone.name}` : `tenant-${tenant.name}`;
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
    );
  }
  const user = shared ? tenant.sharedDataIdentifier : tenant.name;
  const vhost = shared ? tenant.sharedDataIdentifier : "/";
  node.users.push({ user, password, vhost });
  return { instance: name, port: node.ports.amqp, managementPort: node.ports.management, vhost, user };
}

/** A product's process as the supervisor runs it: named `<prefix>:<tenant>:<name>`, after the tenant's data. */
function serviceOf(
  tenant: TenantModel,
  p: LocalProcess,
  all: readonly LocalProcess[],
  dataDependencies: readonly string[],
): ServiceSpec {
  const nameOf = (name: string) => {
    const target = all.find((q) => q.name === name && q.role === "app") ?? all.find((q) => q.name === name);
    return `${target?.prefix ?? tenant.product.name}:${tenant.name}:${name}`;
  };
  return {
    name: `${p.prefix}:${tenant.name}:${p.name}`,
    tenant: tenant.name,
    kind: p.role,
    command: p.command,
    args: p.args,
    env: p.env,
    ...(p.cwd === undefined ? {} : { cwd: p.cwd }),
    ready: p.ready,
    dependsOn: p.role === "sidecar" ? p.after.map(nameOf) : [...dataDependencies, ...p.after.map(nameOf)],
    restart: true,
    stopSignal: "SIGTERM",
    ...(p.broker === undefined ? {} : { broker: p.broker }),
  };
}
