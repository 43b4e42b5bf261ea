/**
 * The local plan of a platform: per tenant its own PostgreSQL (isolation cluster or rds) or a
 * database on its zone's shared server (database), its own Redis (instance) or an ACL user on
 * its zone's (acl), a provisioning job per PostgreSQL server, and the product's processes as
 * its contract plans them (src/products/<name>/local.ts), with the environment from the same
 * builder as in the cluster.
 */
import { join } from "node:path";
import type { Model, TenantModel } from "../../model/resolve.js";
import { databaseName, databaseRole, redisAclUser } from "../../model/secrets.js";
import type { LocalProcess } from "../../products/contract/builders.js";
import type { DataConnections, EnvVar } from "../../products/contract/environment.js";
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
}

/** The data services' local secrets; the product adds its own keys. */
const DATA_SECRET_KEYS = ["dbPassword", "redisPassword"];
/** Locally every secret reference names the tenant's 0600 file; the ACL user's name is not a secret. */
const TENANT_SECRET = "tenant";
const ACL_USER_REF = "tenant-fixed";

/** What the tenant loop builds up: servers shared between tenants are added once. */
interface Layout {
  readonly services: ServiceSpec[];
  readonly routers: RouterSpec[];
  readonly postgres: Map<string, { instance: PostgresInstance; grants: DatabaseGrant[] }>;
  readonly redis: Map<string, LocalLayout["redis"][number]>;
  readonly tenants: LocalTenant[];
}

export async function buildLocalLayout(
  state: StateDir,
  model: Model,
  tenants: readonly TenantModel[],
): Promise<LocalLayout> {
  const layout: Layout = { services: [], routers: [], postgres: new Map(), redis: new Map(), tenants: [] };
  for (const tenant of tenants) await addTenant(state, layout, tenant);
  return {
    plan: { platform: model.platform, services: layout.services, routers: layout.routers },
    tenants: layout.tenants,
    postgres: [...layout.postgres.values()],
    redis: [...layout.redis.values()],
  };
}

async function addTenant(state: StateDir, layout: Layout, tenant: TenantModel): Promise<void> {
  const local = productLocal(tenant.product.kind);
  const secrets = state.secrets(`tenant-${tenant.name}`, [...local.secretKeys, ...DATA_SECRET_KEYS]);
  const secret = (key: string) => secrets[key] ?? "";
  const database = await addDatabase(state, layout, tenant, secret("dbPassword"));
  const redis = await addRedis(state, layout, tenant, secret("redisPassword"));
  const acl = tenant.settings.redis.isolation === "acl";
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
      ...(acl ? { username: { secret: ACL_USER_REF, key: "redisUser" } } : {}),
      password: { secret: TENANT_SECRET, key: "redisPassword" },
    },
  };
  const resolve = (vars: readonly EnvVar[]) =>
    Object.fromEntries(
      vars.map((v) => [
        v.name,
        "value" in v.from
          ? v.from.value
          : v.from.secretRef.secret === ACL_USER_REF
            ? redisAclUser(tenant)
            : secret(v.from.secretRef.key),
      ]),
    );
  const planned = await local.plan({
    tenant,
    publicPort: routerPort,
    connections,
    node: process.execPath,
    nodeVersion: process.versions.node,
    cache: cacheRoot(),
    port: (purpose) => state.port(purpose),
    directory: (...parts) => state.ensure(...parts),
    resolve,
    secret,
    secretRef: (key) => ({ secret: TENANT_SECRET, key }),
  });
  const dataDependencies = [`provision:${database.instance}`, `redis:${redis.instance}`];
  for (const p of planned.processes)
    layout.services.push(serviceOf(tenant, p, planned.processes, dataDependencies));
  layout.routers.push({ tenant: tenant.name, port: routerPort, ...planned.routes });
  layout.tenants.push({
    tenant,
    url: `http://127.0.0.1:${routerPort}/`,
    secrets,
    database,
    redis: { instance: redis.instance, port: redis.port, user: acl ? redisAclUser(tenant) : undefined },
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
