/**
 * The local plan of a platform: per tenant its own PostgreSQL (isolation cluster or rds) or a
 * database on its zone's shared server (database), its own Redis (instance) or an ACL user on
 * its zone's (acl), and n8n main, workers (the spec's minimum, at least one) and webhook
 * processors, each with a task runner, all with the environment from the same builder as in
 * the cluster. Only hosts, ports and where secret values come from differ.
 */
import { join } from "node:path";
import type { N8nRole } from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { databaseName, databaseRole, redisAclUser } from "../../model/secrets.js";
import type { EnvVar } from "../../products/contract.js";
import { buildN8nEnv, buildRunnerEnv, type N8nEnvInput, n8nArgs } from "../../products/n8n/env.js";
import type { Plan, ServiceSpec } from "./plan.js";
import {
  type DatabaseGrant,
  instanceFor,
  type PostgresInstance,
  postgresArgs,
  postgresOwner,
} from "./postgres.js";
import { n8nBin, postgresBinDir, redisServer, taskRunnerEntry } from "./prerequisites.js";
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

const TENANT_SECRET_KEYS = ["encryptionKey", "runnerAuthToken", "dbPassword", "redisPassword"];

export async function buildLocalLayout(
  state: StateDir,
  model: Model,
  tenants: readonly TenantModel[],
): Promise<LocalLayout> {
  const pgBin = postgresBinDir() ?? "/usr/lib/postgresql/15/bin";
  const redisBin = redisServer() ?? "redis-server";
  const owner = postgresOwner();
  const services: ServiceSpec[] = [];
  const routers: Plan["routers"][number][] = [];
  const postgres = new Map<string, { instance: PostgresInstance; grants: DatabaseGrant[] }>();
  const redis = new Map<string, LocalLayout["redis"][number]>();
  const locals: LocalTenant[] = [];

  for (const tenant of tenants) {
    const secrets = state.secrets(`tenant-${tenant.name}`, TENANT_SECRET_KEYS);
    const secret = (key: string) => secrets[key] ?? "";

    // PostgreSQL: the tenant's own server, or its zone's.
    const shared = tenant.settings.database.isolation === "database";
    const pgName = shared ? `zone-${tenant.zone.name}` : `tenant-${tenant.name}`;
    if (!postgres.has(pgName)) {
      const instance = instanceFor(state, pgName, await state.port(`postgres:${pgName}`), owner);
      postgres.set(pgName, { instance, grants: [] });
      services.push({
        name: `postgres:${pgName}`,
        tenant: shared ? undefined : tenant.name,
        kind: "postgres",
        command: join(pgBin, "postgres"),
        args: postgresArgs(instance),
        env: {},
        ...(owner === undefined ? {} : { uid: owner.uid, gid: owner.gid }),
        ready: { type: "tcp", port: instance.port },
        dependsOn: [],
        restart: true,
        stopSignal: "SIGINT",
      });
    }
    const pgEntry = postgres.get(pgName);
    if (!pgEntry) throw new Error(pgName);
    const dbUser = databaseRole(tenant);
    const dbName = shared ? databaseName(tenant) : dbUser;
    pgEntry.grants.push({ database: dbName, role: dbUser, password: secret("dbPassword") });

    // Redis: the tenant's own, or an ACL user on its zone's.
    const acl = tenant.settings.redis.isolation === "acl";
    const redisName = acl ? `zone-${tenant.zone.name}` : `tenant-${tenant.name}`;
    if (!redis.has(redisName)) {
      const port = await state.port(`redis:${redisName}`);
      redis.set(
        redisName,
        acl
          ? { name: redisName, port, acl: [] }
          : { name: redisName, port, password: secret("redisPassword") },
      );
      services.push({
        name: `redis:${redisName}`,
        tenant: acl ? undefined : tenant.name,
        kind: "redis",
        command: redisBin,
        args: [state.path("redis", redisName, "redis.conf")],
        env: {},
        ready: { type: "tcp", port },
        dependsOn: [],
        restart: true,
        stopSignal: "SIGTERM",
      });
    }
    const redisEntry = redis.get(redisName);
    if (!redisEntry) throw new Error(redisName);
    if (acl)
      redisEntry.acl?.push({
        user: redisAclUser(tenant),
        prefix: tenant.redisPrefix,
        password: secret("redisPassword"),
      });

    const provision = `provision:${pgName}`;
    if (!services.some((s) => s.name === provision)) {
      services.push({
        name: provision,
        tenant: undefined,
        kind: "provision",
        command: process.execPath,
        args: [runtimeScript("provision-main"), state.root, pgName],
        env: {},
        ready: { type: "exit" },
        dependsOn: [`postgres:${pgName}`],
        restart: false,
        stopSignal: "SIGTERM",
      });
    }

    const routerPort = await state.port(`router:${tenant.name}`);
    const url = `http://127.0.0.1:${routerPort}/`;
    const version = tenant.settings.n8n.version;
    const roles: { role: N8nRole; name: string }[] = [{ role: "main", name: "main" }];
    const workers = Math.max(1, tenant.settings.n8n.workers.min);
    for (let i = 1; i <= workers; i++) roles.push({ role: "worker", name: `worker-${i}` });
    if (tenant.settings.n8n.webhook.enabled) roles.push({ role: "webhook", name: "webhook" });
    const ports: Record<string, number> = {};
    for (const r of roles) ports[r.name] = await state.port(`n8n:${tenant.name}:${r.name}`);

    for (const r of roles) {
      const brokerPort = await state.port(`broker:${tenant.name}:${r.name}`);
      const input: N8nEnvInput = {
        hostname: "127.0.0.1",
        protocol: "http",
        publicPort: routerPort,
        listenPort: ports[r.name] ?? 0,
        redisPrefix: tenant.redisPrefix,
        webhookProcessors: tenant.settings.n8n.webhook.enabled,
        encryptionKey: { secret: "tenant", key: "encryptionKey" },
        runnerAuthToken: { secret: "tenant", key: "runnerAuthToken" },
        connections: {
          database: {
            host: { value: "127.0.0.1" },
            port: { value: String(pgEntry.instance.port) },
            name: { value: dbName },
            user: { value: dbUser },
            password: { secret: "tenant", key: "dbPassword" },
            tls: { mode: "off" },
          },
          redis: {
            host: "127.0.0.1",
            port: redisEntry.port,
            ...(acl ? { username: { secret: "tenant-fixed", key: "redisUser" } } : {}),
            password: { secret: "tenant", key: "redisPassword" },
          },
        },
        proxyHops: 1,
      };
      const resolveEnv = (vars: readonly EnvVar[]) =>
        Object.fromEntries(
          vars.map((v) => [
            v.name,
            "value" in v.from
              ? v.from.value
              : v.from.secretRef.secret === "tenant-fixed"
                ? redisAclUser(tenant)
                : secret(v.from.secretRef.key),
          ]),
        );
      const home = state.ensure("n8n", tenant.name, r.name);
      const env = {
        ...resolveEnv(buildN8nEnv(r.role, input)),
        N8N_RUNNERS_BROKER_PORT: String(brokerPort),
        N8N_USER_FOLDER: home,
        N8N_LOG_LEVEL: "info",
        N8N_LOG_OUTPUT: "console",
        N8N_SKIP_AUTH_ON_OAUTH_CALLBACK: "false",
      };
      const name = `n8n:${tenant.name}:${r.name}`;
      services.push({
        name,
        tenant: tenant.name,
        kind: "n8n",
        command: process.execPath,
        args: [n8nBin(version), ...n8nArgs(r.role, tenant.settings.n8n.workers.concurrency)],
        env,
        cwd: home,
        // main answers /healthz/readiness, and serves the editor's index.html for any GET, before
        // its REST controllers exist ("Cannot POST /rest/login"): the settings endpoint the UI
        // loads first, answering JSON, is the real signal.
        ready:
          r.role === "main"
            ? { type: "http", url: `http://127.0.0.1:${ports[r.name]}/rest/settings`, json: true }
            : { type: "http", url: `http://127.0.0.1:${ports[r.name]}/healthz/readiness` },
        dependsOn: [
          provision,
          `redis:${redisName}`,
          ...(r.role === "main" ? [] : [`n8n:${tenant.name}:main`]),
        ],
        restart: true,
        stopSignal: "SIGTERM",
      });
      if (r.role !== "webhook") {
        services.push({
          name: `runner:${tenant.name}:${r.name}`,
          tenant: tenant.name,
          kind: "runner",
          command: process.execPath,
          args: [taskRunnerEntry(version)],
          env: {
            ...resolveEnv(buildRunnerEnv(input)),
            N8N_RUNNERS_TASK_BROKER_URI: `http://127.0.0.1:${brokerPort}`,
          },
          cwd: home,
          ready: { type: "tcp", port: brokerPort },
          dependsOn: [name],
          restart: true,
          stopSignal: "SIGTERM",
          broker: { port: brokerPort, authToken: secret("runnerAuthToken") },
        });
      }
    }
    routers.push({
      tenant: tenant.name,
      port: routerPort,
      main: ports.main ?? 0,
      webhook: tenant.settings.n8n.webhook.enabled ? ports.webhook : undefined,
    });
    locals.push({
      tenant,
      url,
      secrets,
      database: { instance: pgName, port: pgEntry.instance.port, name: dbName, user: dbUser },
      redis: {
        instance: redisName,
        port: redisEntry.port,
        user: acl ? redisAclUser(tenant) : undefined,
      },
    });
  }
  return {
    plan: { platform: model.platform, services, routers },
    tenants: locals,
    postgres: [...postgres.values()],
    redis: [...redis.values()],
  };
}
