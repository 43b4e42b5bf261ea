/**
 * n8n as the product contract sees it: main (the editor and API), workers (executions, scaled
 * on queue depth), optional webhook processors; workers, and main before n8n 2.13 (which
 * then still executed code itself), each run a task-runner sidecar. Its pods are clients of a PostgreSQL database and of Redis (the Bull queue).
 */
import { type EffectiveResources, type EffectiveSettings, res } from "../../model/defaults.js";
import { compareVersions, N8N_PREFIXED_PUBSUB_SINCE } from "../../versions.js";
import { N8N, type N8nRole } from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";
import { mainRunsTasks } from "./release.js";
import type {
  ProductDeclaration,
  ProductProblem,
  ProductSecret,
  WorkloadDeclaration,
} from "../contract/declaration.js";

export const N8N_PRODUCT = "n8n";

/** n8n's own secrets: the key its credentials are encrypted with, and the runners' token. */
export const N8N_SECRET = {
  encryptionKey: {
    purpose: "encryption-key",
    name: "n8n-encryption-key",
    key: "encryptionKey",
    item: "n8n",
    dataBearing: true,
  },
  runnerToken: {
    purpose: "runner-token",
    name: "n8n-runners-auth",
    key: "authToken",
    item: "runners",
    dataBearing: false,
  },
} as const;

/** n8n's secrets as the contract lists them: one key each, generated. */
const N8N_SECRETS: readonly ProductSecret[] = Object.values(N8N_SECRET).map((secret) => ({
  purpose: secret.purpose,
  name: secret.name,
  keys: [secret.key],
  source: "random",
  item: secret.item,
  dataBearing: secret.dataBearing,
}));

/** Every n8n process reads its workflows from PostgreSQL and its queue and commands from Redis. */
const N8N_DATA_SERVICES = ["database", "redis"] as const;

/** The task-runner sidecar that runs next to main and every worker (external runner mode). */
const RUNNER_RESOURCES: EffectiveResources = res("50m", "128Mi", "500m", "512Mi");

export const n8nDeclaration: ProductDeclaration = {
  name: N8N_PRODUCT,
  kind: "n8n",
  httpPort: N8N.port,
  workloads(settings) {
    const { main, workers, webhook } = settings.n8n;
    const mainContainers = mainRunsTasks(settings.n8n.version)
      ? [main.resources, RUNNER_RESOURCES]
      : [main.resources];
    const out: WorkloadDeclaration[] = [
      workload("main", main.replicas, main.replicas, mainContainers, {
        public: true,
        internet: true,
        metrics: true,
      }),
      workload("worker", workers.min, workers.max, [workers.resources, RUNNER_RESOURCES], {
        public: false,
        internet: true,
        metrics: true,
      }),
    ];
    if (webhook.enabled) {
      out.push(
        workload("webhook", webhook.min, webhook.max, [webhook.resources], {
          public: true,
          internet: false,
          metrics: false,
        }),
      );
    }
    return out;
  },
  dataServices: () => N8N_DATA_SERVICES,
  secrets: N8N_SECRETS,
  maxReplicaSettings: ["n8n.workers.max", "n8n.webhook.max"],
  // Its image follows its version: main, workers, webhook processors and runners run one release.
  release: (settings) => new Map([["n8n.version", settings.n8n.version]]),
  schemaRelease: "n8n.version",
  upgradeFromSetting: "n8n.upgradeFrom",
  // main runs n8n's database migrations on start; workers and webhook processors never do.
  migrator: "main",
  check: (settings) => [
    ...replicaBounds(settings),
    ...aclNeedsPrefixedChannels(settings),
    ...poolsItsOwnConnections(settings),
    ...upgradesForward(settings),
  ],
};

/** A staged upgrade goes forward: n8n cannot run data a newer release migrated. */
function upgradesForward(settings: EffectiveSettings): ProductProblem[] {
  const { version, upgradeFrom } = settings.n8n;
  if (upgradeFrom === undefined || compareVersions(version, upgradeFrom) > 0) return [];
  const same = version === upgradeFrom;
  return [
    {
      code: same ? "spec/n8n-upgrade-finished" : "spec/n8n-downgrade",
      field: ["n8n", "upgradeFrom"],
      subject: "n8n.upgradeFrom",
      message: same
        ? `${upgradeFrom} is the version it runs: there is no upgrade under way`
        : `the data is at n8n ${upgradeFrom} (or later); version ${version} cannot read what a newer release migrated`,
      hint: same
        ? "remove n8n.upgradeFrom (tenantctl upgrade --finish)"
        : `keep n8n.version at ${upgradeFrom} or later; going back needs a restore from the backup taken before the upgrade`,
    },
  ];
}

/** n8n keeps a connection pool of its own, and its migrations hold session state (advisory locks) that PgBouncer's transaction pooling breaks. */
function poolsItsOwnConnections(settings: EffectiveSettings): ProductProblem[] {
  if (settings.database.pooler === undefined) return [];
  return [
    {
      code: "spec/pooler-not-for-n8n",
      field: ["database", "pooler"],
      subject: "database.pooler",
      message:
        "n8n keeps its own connection pool, and its migrations hold session state that PgBouncer's transaction pooling breaks",
      hint: "remove database.pooler for n8n tenants (set it on the tenants of products that need one)",
    },
  ];
}

function replicaBounds(settings: EffectiveSettings): ProductProblem[] {
  const { workers, webhook } = settings.n8n;
  const bounded: [string, { min: number; max: number }][] = [["workers", workers]];
  if (webhook.enabled) bounded.push(["webhook", webhook]);
  return bounded
    .filter(([, { min, max }]) => min > max)
    .map(([name, { min, max }]) => ({
      code: "spec/min-above-max",
      field: ["n8n", name, "min"],
      subject: `n8n.${name}`,
      message: `min ${min} is above max ${max}`,
      hint: `set n8n.${name}.min to at most n8n.${name}.max`,
    }));
}

/**
 * On a shared Redis a tenant is confined to its key prefix and channels by an ACL user.
 * n8n releases before N8N_PREFIXED_PUBSUB_SINCE publish on bare channel names, which such a
 * user could not reach without seeing every other tenant's messages: refuse, don't weaken.
 */
function aclNeedsPrefixedChannels(settings: EffectiveSettings): ProductProblem[] {
  const version = settings.n8n.version;
  if (settings.redis.isolation !== "acl" || compareVersions(version, N8N_PREFIXED_PUBSUB_SINCE) >= 0)
    return [];
  return [
    {
      code: "spec/acl-needs-prefixed-pubsub",
      field: ["redis", "isolation"],
      subject: "redis.isolation",
      message: `"acl" needs n8n ${N8N_PREFIXED_PUBSUB_SINCE} or later; n8n ${version} publishes on unprefixed Redis channels that an ACL user cannot be confined to`,
      hint: `use redis.isolation: "instance", or set n8n.version to ${N8N_PREFIXED_PUBSUB_SINCE} or later`,
    },
  ];
}

function workload(
  component: string,
  min: number,
  max: number,
  containers: readonly EffectiveResources[],
  reach: Pick<WorkloadDeclaration, "public" | "internet" | "metrics">,
): WorkloadDeclaration {
  return {
    component,
    min,
    max,
    containers,
    ...reach,
    port: N8N.port,
    talksTo: { workloads: [], dataServices: N8N_DATA_SERVICES },
    nodeClass: "general",
  };
}

/** The workload of one n8n role as the model resolved it from this declaration. */
export function declaredWorkload(tenant: TenantModel, role: N8nRole): WorkloadDeclaration {
  const declared = tenant.product.workloads.find((w) => w.component === role);
  if (declared === undefined) throw new Error(`n8n: the model of ${tenant.name} has no ${role} workload`);
  return declared;
}

/**
 * Whether a role's process has a task runner beside it: the workload's second container, as
 * declared above (workers; main before n8n 2.13). The cluster and the local runtime both ask.
 */
export function runsTaskRunner(tenant: TenantModel, role: N8nRole): boolean {
  return declaredWorkload(tenant, role).containers.length > 1;
}
