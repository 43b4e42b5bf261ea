/**
 * THE n8n environment builder (ARCHITECTURE invariant 1). The Kubernetes renderer and the
 * local runtime both call it; they differ only in the hosts, ports and where secret values
 * come from (references, as the product contract defines them).
 */
import type { EffectiveSettings } from "../../model/defaults.js";
import { N8N, type N8nRole } from "../../model/names.js";
import { type ExpressionEngine, expressionEngineEnv } from "./expressions.js";
import { runnersNeedEnabling } from "./release.js";
import type { DatabaseTls, DataConnections, EnvValue, EnvVar, SecretRef } from "../contract/environment.js";

export interface N8nEnvInput {
  /** The n8n release the process runs: some variables came or went between releases. */
  readonly version: string;
  /** Public hostname of the tenant's editor and webhooks. */
  readonly hostname: string;
  readonly protocol: "https" | "http";
  /** Public port when it is not the protocol's default (local runtime). */
  readonly publicPort?: number;
  /** The port this process listens on (and serves health checks on). */
  readonly listenPort: number;
  readonly redisPrefix: string;
  /** Whether production webhooks go to separate webhook processors. */
  readonly webhookProcessors: boolean;
  readonly encryptionKey: SecretRef;
  readonly runnerAuthToken: SecretRef;
  readonly connections: DataConnections;
  /**
   * Hops of reverse proxies in front of n8n: 1, the load balancer. The local runtime sets 1 as
   * well, so that the environment is the cluster's; it listens on loopback only.
   */
  readonly proxyHops: number;
  /** The expression engine of this process (expressions.ts). */
  readonly expressions: ExpressionEngine;
  /** What n8n keeps of executions: workers save, main prunes; every process gets the same. */
  readonly executions: EffectiveSettings["n8n"]["executions"];
}

/** A Code node's time limit in seconds: n8n's default through 2.x. */
const RUNNER_TASK_TIMEOUT_S = 300;

const lit = (value: string | number | boolean): EnvValue => ({ value: String(value) });
const ref = (secretRef: SecretRef): EnvValue => ({ secretRef });

export function buildN8nEnv(role: N8nRole, input: N8nEnvInput): EnvVar[] {
  const { database, redis } = input.connections;
  const origin = `${input.protocol}://${input.hostname}${input.publicPort === undefined ? "" : `:${input.publicPort}`}/`;
  const env: [string, EnvValue][] = [
    ["EXECUTIONS_MODE", lit("queue")],
    ["N8N_PORT", lit(input.listenPort)],
    ["N8N_HOST", lit(input.hostname)],
    ["N8N_PROTOCOL", lit(input.protocol)],
    ["WEBHOOK_URL", lit(origin)],
    ["N8N_EDITOR_BASE_URL", lit(origin)],
    ["N8N_PROXY_HOPS", lit(input.proxyHops)],
    ["N8N_ENCRYPTION_KEY", ref(input.encryptionKey)],
    ["N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS", lit(true)],
    // Expressions run in the n8n process itself, whose environment holds the database password
    // and the encryption key: `$env` stays closed (n8n 2.x's default, said for 1.x too).
    ["N8N_BLOCK_ENV_ACCESS_IN_NODE", lit(true)],
    // No calls home from a tenant: telemetry, version checks and banners stay off.
    ["N8N_DIAGNOSTICS_ENABLED", lit(false)],
    ["N8N_VERSION_NOTIFICATIONS_ENABLED", lit(false)],
    ["N8N_DYNAMIC_BANNERS_ENABLED", lit(false)],
    ["N8N_PERSONALIZATION_ENABLED", lit(false)],
    ["DB_TYPE", lit("postgresdb")],
    ["DB_POSTGRESDB_HOST", database.host],
    ["DB_POSTGRESDB_PORT", database.port],
    ["DB_POSTGRESDB_DATABASE", database.name],
    ["DB_POSTGRESDB_USER", database.user],
    ["DB_POSTGRESDB_PASSWORD", ref(database.password)],
    ["DB_POSTGRESDB_SSL_ENABLED", lit(database.tls.mode !== "off")],
    ...databaseTlsEnv(database.tls),
    ["QUEUE_BULL_REDIS_HOST", lit(redis.host)],
    ["QUEUE_BULL_REDIS_PORT", lit(redis.port)],
    ["QUEUE_BULL_REDIS_PASSWORD", ref(redis.password)],
    ...(redis.username === undefined
      ? []
      : [["QUEUE_BULL_REDIS_USERNAME", ref(redis.username)] as [string, EnvValue]]),
    // One prefix for the Bull queue and n8n's own keys and channels: an ACL user confined
    // to `<prefix>:*` can do all the tenant needs and nothing else.
    ["QUEUE_BULL_PREFIX", lit(input.redisPrefix)],
    ["N8N_REDIS_KEY_PREFIX", lit(input.redisPrefix)],
    // Manual executions run on workers too: main never executes workflow code.
    ["OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS", lit(true)],
    // Task runners in external mode: code runs in the runner sidecar, which holds no
    // database credentials and no encryption key.
    ...(runnersNeedEnabling(input.version) ? [["N8N_RUNNERS_ENABLED", lit(true)] as [string, EnvValue]] : []),
    ["N8N_RUNNERS_MODE", lit("external")],
    ["N8N_RUNNERS_BROKER_LISTEN_ADDRESS", lit("127.0.0.1")],
    ["N8N_RUNNERS_BROKER_PORT", lit(N8N.brokerPort)],
    ["N8N_RUNNERS_AUTH_TOKEN", ref(input.runnerAuthToken)],
    // n8n 2.x announces that its default will fall from 5 minutes to 1: a Code node's time
    // limit does not change under a tenant by an upgrade.
    ["N8N_RUNNERS_TASK_TIMEOUT", lit(RUNNER_TASK_TIMEOUT_S)],
    ...expressionEngineEnv(input.expressions).map(([name, value]): [string, EnvValue] => [name, lit(value)]),
    ...executionsEnv(input.executions),
  ];
  if (role === "main" || role === "worker") env.push(...metricsEnv(role));
  if (role === "main" && input.webhookProcessors)
    env.push(["N8N_DISABLE_PRODUCTION_MAIN_PROCESS", lit(true)]);
  if (role === "worker") {
    env.push(["QUEUE_HEALTH_CHECK_ACTIVE", lit(true)], ["QUEUE_HEALTH_CHECK_PORT", lit(input.listenPort)]);
  }
  return env.map(([name, from]) => ({ name, from }));
}

/** /metrics on main (with the queue's gauges and job counters) and on each worker (beside its health check). */
function metricsEnv(role: "main" | "worker"): [string, EnvValue][] {
  return [
    ["N8N_METRICS", lit(true)],
    ...(role === "main" ? [["N8N_METRICS_INCLUDE_QUEUE_METRICS", lit(true)] as [string, EnvValue]] : []),
  ];
}

function executionsEnv(executions: N8nEnvInput["executions"]): [string, EnvValue][] {
  return [
    ["EXECUTIONS_DATA_SAVE_ON_SUCCESS", lit(executions.saveSuccessful)],
    ["EXECUTIONS_DATA_SAVE_ON_ERROR", lit(executions.saveFailed)],
    ["EXECUTIONS_DATA_SAVE_ON_PROGRESS", lit(executions.saveProgress)],
    ["EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS", lit(executions.saveManual)],
    ["EXECUTIONS_DATA_PRUNE", lit(true)],
    ["EXECUTIONS_DATA_MAX_AGE", lit(executions.pruneAfterHours)],
    ["EXECUTIONS_DATA_PRUNE_MAX_COUNT", lit(executions.pruneMaxCount)],
  ];
}

function databaseTlsEnv(tls: DatabaseTls): [string, EnvValue][] {
  if (tls.mode === "verify") return [["DB_POSTGRESDB_SSL_CA", ref(tls.ca)]];
  if (tls.mode === "unverified") return [["DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED", lit(false)]];
  return [];
}

/** The runner sidecar's environment: the broker on localhost and its token, nothing else. */
export function buildRunnerEnv(input: Pick<N8nEnvInput, "runnerAuthToken">): EnvVar[] {
  return [
    { name: "N8N_RUNNERS_TASK_BROKER_URI", from: lit(`http://127.0.0.1:${N8N.brokerPort}`) },
    { name: "N8N_RUNNERS_AUTH_TOKEN", from: ref(input.runnerAuthToken) },
    // Never on idle (n8n's own default, said here): in external mode no launcher starts a runner
    // again, so an idle exit is a restart, with backoff in the cluster and a climbing count locally.
    { name: "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT", from: lit(0) },
  ];
}

/** The command line of each n8n process. */
export function n8nArgs(role: N8nRole, concurrency: number): string[] {
  if (role === "main") return ["start"];
  if (role === "webhook") return ["webhook"];
  return ["worker", `--concurrency=${concurrency}`];
}
