/**
 * n8n on one machine (`tenantctl up`): main, the spec's minimum of workers (at least one) and
 * the webhook processors; a task runner next to each process that hosts a task broker (the
 * workers, and main before n8n 2.13), all with the environment from the same builder as in
 * the cluster. Only hosts, ports and where secret values come from differ.
 */
import { n8nStaysAwakeQuery } from "./stays-awake.js";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { N8nRole } from "../../model/names.js";
import type { LocalContext, LocalProcess, ProductLocal } from "../contract/builders.js";
import { buildN8nEnv, buildRunnerEnv, type N8nEnvInput, n8nArgs } from "./env.js";
import { N8N_PRODUCT, runsTaskRunner } from "./declaration.js";
import { expressionEngine } from "./expressions.js";
import { probeN8nData } from "./data-probe.js";
import { n8nSchemaProblem } from "./schema-check.js";
import { PINNED } from "../../versions.js";
import { n8nBin, nodeFor, taskRunnerEntry } from "./release.js";

/** n8n's own secrets in the state directory (names kept from the first releases of `up`: state carries over). */
const LOCAL_SECRET = { encryptionKey: "encryptionKey", runnerToken: "runnerAuthToken" } as const;

export const n8nLocal: ProductLocal = {
  secretKeys: Object.values(LOCAL_SECRET),
  dataKeys: [LOCAL_SECRET.encryptionKey],
  dataKeyLabel: "N8N_ENCRYPTION_KEY",
  probeData: probeN8nData,
  staysAwakeQuery: n8nStaysAwakeQuery,
  schemaProblem: (query, tenant, cache) => n8nSchemaProblem(query, tenant.settings.n8n.version, cache),
  keysReplaced(path, tenant) {
    // Each process's settings file (<home>/.n8n/config) holds the key it first started with.
    const homes = path(N8N_PRODUCT, tenant.name);
    if (!existsSync(homes)) return;
    for (const home of readdirSync(homes)) rmSync(join(homes, home, ".n8n", "config"), { force: true });
  },
  async plan(context) {
    const n8n = context.tenant.settings.n8n;
    const roles: { role: N8nRole; name: string }[] = [{ role: "main", name: "main" }];
    for (let i = 1; i <= Math.max(1, n8n.workers.min); i++)
      roles.push({ role: "worker", name: `worker-${i}` });
    if (n8n.webhook.enabled) roles.push({ role: "webhook", name: "webhook" });
    const ports = new Map<string, number>();
    for (const r of roles) ports.set(r.name, await context.port(`n8n:${context.tenant.name}:${r.name}`));
    const processes: LocalProcess[] = [];
    for (const r of roles)
      processes.push(...(await processesOf(context, r.role, r.name, ports.get(r.name) ?? 0)));
    // As the cluster's Ingress: `/webhook/` to the webhook processors when there are any, the rest to main.
    const main = ports.get("main") ?? 0;
    const webhook = ports.get("webhook");
    return {
      processes,
      routes: [
        { path: "/", ports: [main] },
        ...(webhook === undefined ? [] : [{ path: "/webhook/", ports: [webhook] }]),
      ],
      health: "/healthz",
      hint: "first visit: create the tenant's owner account",
    };
  },
};

/**
 * What only a local process sets: its own home (the cluster's pods each have one), logs to the
 * console the supervisor captures, and n8n's OAuth callback check said explicitly.
 */
export function localOnlyEnv(home: string): Record<string, string> {
  return {
    N8N_USER_FOLDER: home,
    N8N_LOG_LEVEL: "info",
    N8N_LOG_OUTPUT: "console",
    N8N_SKIP_AUTH_ON_OAUTH_CALLBACK: "false",
  };
}

/** One n8n process, and its task runner where it hosts the broker (main and workers). */
async function processesOf(
  context: LocalContext,
  role: N8nRole,
  name: string,
  listenPort: number,
): Promise<LocalProcess[]> {
  const { tenant } = context;
  const n8n = tenant.settings.n8n;
  const brokerPort = await context.port(`broker:${tenant.name}:${name}`);
  const node = nodeFor(
    context.cache,
    n8n.version,
    { version: context.nodeVersion, path: context.node },
    PINNED.nodeForN8n2,
  );
  const input: N8nEnvInput = {
    version: n8n.version,
    hostname: "127.0.0.1",
    protocol: "http",
    publicPort: context.publicPort,
    listenPort,
    redisPrefix: tenant.redisPrefix,
    webhookProcessors: n8n.webhook.enabled,
    encryptionKey: context.secretRef(LOCAL_SECRET.encryptionKey),
    runnerAuthToken: context.secretRef(LOCAL_SECRET.runnerToken),
    connections: context.connections,
    proxyHops: 1,
    expressions: expressionEngine(tenant.settings, role),
    executions: n8n.executions,
  };
  const home = context.directory(N8N_PRODUCT, tenant.name, name);
  const main: LocalProcess = {
    name,
    role: "app",
    prefix: N8N_PRODUCT,
    command: node,
    args: [n8nBin(context.cache, n8n.version), ...n8nArgs(role, n8n.workers.concurrency)],
    env: {
      ...context.resolve(buildN8nEnv(role, input)),
      N8N_RUNNERS_BROKER_PORT: String(brokerPort),
      ...localOnlyEnv(home),
    },
    cwd: home,
    // main answers /healthz/readiness, and serves the editor's index.html for any GET, before
    // its REST controllers exist ("Cannot POST /rest/login"): the settings endpoint the UI
    // loads first, answering JSON, is the real signal.
    ready:
      role === "main"
        ? { type: "http", url: `http://127.0.0.1:${listenPort}/rest/settings`, json: true }
        : { type: "http", url: `http://127.0.0.1:${listenPort}/healthz/readiness` },
    after: role === "main" ? [] : ["main"],
  };
  if (!runsTaskRunner(tenant, role)) return [main];
  const runner: LocalProcess = {
    name,
    role: "sidecar",
    prefix: "runner",
    command: node,
    args: [taskRunnerEntry(context.cache, n8n.version)],
    env: {
      ...context.resolve(buildRunnerEnv(input)),
      N8N_RUNNERS_TASK_BROKER_URI: `http://127.0.0.1:${brokerPort}`,
    },
    cwd: home,
    ready: { type: "tcp", port: brokerPort },
    after: [name],
    broker: { port: brokerPort, authToken: context.secret(LOCAL_SECRET.runnerToken) },
  };
  return [main, runner];
}
