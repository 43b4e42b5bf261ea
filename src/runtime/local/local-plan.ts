/**
 * The local plan of a platform: per tenant its data servers (./local-data.ts: PostgreSQL, Redis,
 * and RabbitMQ when its product talks to it, its own or its zone's as its isolation says), the
 * product's processes as its contract plans them (src/products/<name>/local.ts), with the
 * environment from the same builder as in the cluster, and its front door.
 */
import type { Model, TenantModel } from "../../model/resolve.js";
import { redisAclUser } from "../../model/secrets.js";
import type { LocalProcess } from "../../products/contract/builders.js";
import type { DataConnections, EnvVar, SecretRef } from "../../products/contract/environment.js";
import { productLocal } from "../../products/local.js";
import { cacheRoot } from "./cache.js";
import {
  addDatabase,
  addRabbitmq,
  addRedis,
  type DataLayout,
  dataDependencies,
  type LocalDatabase,
  type LocalRabbitmq,
  type LocalRedisServer,
} from "./local-data.js";
import { frontDoorUrl, type Plan, type RouterSpec, type ServiceSpec, type SleeperSpec } from "./plan.js";
import { idleSeconds } from "../../model/hibernation.js";
import type { DatabaseGrant, PostgresInstance } from "./postgres.js";
import { ensurePythonEnvironment } from "./python-env.js";
import type { RabbitmqNode } from "./rabbitmq.js";
import { type StateDir, tenantSecrets } from "./state.js";
export interface LocalTenant {
  readonly tenant: TenantModel;
  readonly url: string;
  /** What to do first at that URL, when the product says. */
  readonly hint?: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly database: LocalDatabase;
  readonly redis: { readonly instance: string; readonly port: number; readonly user: string | undefined };
  /** Set when its product talks to RabbitMQ. */
  readonly rabbitmq?: LocalRabbitmq;
}

export interface LocalLayout {
  readonly plan: Plan;
  readonly tenants: readonly LocalTenant[];
  readonly postgres: readonly { instance: PostgresInstance; grants: DatabaseGrant[] }[];
  readonly redis: readonly LocalRedisServer[];
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
interface Layout extends DataLayout {
  readonly routers: RouterSpec[];
  readonly sleepers: SleeperSpec[];
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
    sleepers: [],
    postgres: new Map(),
    redis: new Map(),
    rabbitmq: new Map(),
    tenants: [],
  };
  // One environment per requirements file, however many components and replicas name it.
  const environments = new Map<string, Promise<string>>();
  const shared: LocalLayoutOptions = {
    specDirectory: options.specDirectory,
    pythonEnvironment(file) {
      const known = environments.get(file) ?? options.pythonEnvironment(file);
      environments.set(file, known);
      return known;
    },
  };
  for (const tenant of tenants) await addTenant(state, layout, tenant, shared);
  return {
    plan: {
      platform: model.platform,
      services: layout.services,
      routers: layout.routers,
      sleepers: layout.sleepers,
    },
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
  const secrets = state.secrets(tenantSecrets(tenant.name), [...local.secretKeys, ...DATA_SECRET_KEYS]);
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
    return state.secrets(`${tenantSecrets(tenant.name)}--${ref.secret}`, [ref.key])[ref.key] ?? "";
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
  const after = dataDependencies(database, redis, rabbitmq);
  for (const p of planned.processes) layout.services.push(serviceOf(tenant, p, planned.processes, after));
  const router = { tenant: tenant.name, port: routerPort, routes: planned.routes, health: planned.health };
  layout.routers.push(router);
  const idle = idleSeconds(tenant.settings);
  layout.sleepers.push({
    tenant: tenant.name,
    asleep: tenant.settings.hibernation.asleep,
    idleAfterMs: idle === undefined ? undefined : idle * 1000,
    ...(local.staysAwakeQuery === undefined
      ? {}
      : {
          staysAwake: {
            query: local.staysAwakeQuery(tenant),
            login: {
              host: "127.0.0.1",
              port: database.port,
              user: database.user,
              password: secret("dbPassword"),
              database: database.name,
            },
          },
        }),
  });
  layout.tenants.push({
    tenant,
    url: frontDoorUrl(router),
    ...(planned.hint === undefined ? {} : { hint: planned.hint }),
    secrets,
    database,
    redis: { instance: redis.instance, port: redis.port, user: acl ? redisAclUser(tenant) : undefined },
    ...(rabbitmq === undefined ? {} : { rabbitmq }),
  });
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
