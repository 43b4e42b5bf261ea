/**
 * The platform spec (`platform.yaml`), apiVersion tenantctl/v1alpha1. Every object is strict:
 * an unknown key is an error, never silently ignored. Tenant settings are all optional here;
 * model/resolve merges built-in defaults < `defaults:` < the tenant's own settings, so that
 * the rules can tell where an effective value came from.
 */
import { z } from "zod";
import { AwsRegion, Cidr, DnsLabel, DnsName, LabelKey, LabelValue, Quantity, RepoUrl } from "./formats.js";

export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34"] as const;
export const TIERS = ["shared", "dedicated"] as const;
export const NAT_GATEWAYS = ["per-az", "one"] as const;
export const DATABASE_ISOLATIONS = ["cluster", "rds", "database"] as const;
export const REDIS_ISOLATIONS = ["instance", "acl"] as const;
export const SECRET_PROVIDERS = ["external-secrets", "generated"] as const;
export const RABBITMQ_ISOLATIONS = ["instance", "vhost"] as const;
/** Where a component's pods run: Karpenter pools by instance family (gpu only when some component asks). */
export const NODE_CLASSES = ["general", "compute", "memory", "gpu"] as const;
/** What a component may name in `talksTo` beside its product's other components. */
export const DATA_SERVICE_NAMES = ["postgres", "redis", "rabbitmq"] as const;

const Semver = z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'an n8n release version such as "1.123.81"' });
const Replicas = z.int({ error: "a whole number" }).min(0).max(1000);

export const ComputeAmounts = z.strictObject({ cpu: Quantity.optional(), memory: Quantity.optional() });
export const Resources = z
  .strictObject({ requests: ComputeAmounts.optional(), limits: ComputeAmounts.optional() })
  .meta({ description: "Container requests and limits; what is left out comes from the defaults." });

export const N8nMain = z.strictObject({
  replicas: Replicas.min(1)
    .optional()
    .meta({ description: "More than 1 needs n8n's multi-main (licensed)." }),
  resources: Resources.optional(),
});
export const N8nWebhook = z.strictObject({
  enabled: z.boolean().optional().meta({ description: "Run webhook processors (`n8n webhook`)." }),
  min: Replicas.min(1).optional(),
  max: Replicas.min(1).optional(),
  resources: Resources.optional(),
});
export const N8nWorkers = z.strictObject({
  min: Replicas.optional().meta({
    description: "0 lets KEDA scale workers to zero when the queue is empty.",
  }),
  max: Replicas.min(1).optional(),
  concurrency: z.int().min(1).max(200).optional().meta({ description: "Jobs one worker runs at once." }),
  targetQueueLength: z
    .int()
    .min(1)
    .optional()
    .meta({ description: "Waiting jobs per worker at which KEDA adds a worker." }),
  resources: Resources.optional(),
});
export const EXPRESSION_ENGINES = ["vm", "legacy"] as const;
export const N8nExpressions = z.strictObject({
  engine: z.enum(EXPRESSION_ENGINES).optional().meta({
    description:
      "vm: expressions run in V8 isolates (isolated-vm), apart from n8n's own process (the default); legacy: in n8n's process, without isolation (faster; README: what it gives up).",
  }),
  poolSize: z.int().min(1).max(64).optional().meta({
    description:
      "Isolates kept ready per process (vm). Default: 1 for main and webhook processors; for workers one per half CPU of their CPU limit, at most their concurrency.",
  }),
  timeoutMs: z
    .int()
    .min(100)
    .max(600_000)
    .optional()
    .meta({ description: "Time one expression may take (vm). Default 5000." }),
  memoryLimitMb: z
    .int()
    .min(16)
    .max(4096)
    .optional()
    .meta({ description: "Memory of one isolate in MiB (vm). Default 128." }),
  idleSeconds: z.int().min(1).max(86_400).optional().meta({
    description:
      "Seconds without an evaluation after which a process frees its isolates (vm); the next evaluation starts one. Default: never (n8n's default).",
  }),
  compileCache: z.boolean().optional().meta({
    description:
      "Keep n8n's compiled expression runtime for the next isolate (vm; n8n 2.40 and later). Default true: each execution still gets a fresh isolate, which starts faster.",
  }),
});
export const N8nExecutions = z.strictObject({
  saveSuccessful: z.enum(["all", "none"]).optional().meta({
    description:
      "Keep the data of successful production executions (all, n8n's default) or drop it once they finish (none: less PostgreSQL per execution; the execution list then shows only failures).",
  }),
  saveFailed: z
    .enum(["all", "none"])
    .optional()
    .meta({ description: "Keep the data of failed executions (default all)." }),
  saveProgress: z.boolean().optional().meta({
    description:
      "Save after every node, so a crashed execution can be resumed (default false: one write per node).",
  }),
  saveManual: z.boolean().optional().meta({ description: "Keep manual (editor) executions (default true)." }),
  pruneAfterHours: z
    .int()
    .min(1)
    .max(87_600)
    .optional()
    .meta({ description: "Delete finished executions older than this (default 336: 14 days)." }),
  pruneMaxCount: z
    .int()
    .min(0)
    .max(10_000_000)
    .optional()
    .meta({ description: "Keep at most this many finished executions; 0: no limit (default 10000)." }),
});
export const N8n = z.strictObject({
  version: Semver.optional(),
  upgradeFrom: Semver.optional().meta({
    description:
      "Written by `tenantctl upgrade` while a version change is under way (the version the data was at): render backs up the database, stops workers and webhook processors, and runs main alone on the new version; `tenantctl upgrade --finish` removes it.",
  }),
  main: N8nMain.optional(),
  webhook: N8nWebhook.optional(),
  workers: N8nWorkers.optional(),
  expressions: N8nExpressions.optional().meta({
    description: "n8n's expression engine and its isolate pool.",
  }),
  executions: N8nExecutions.optional().meta({
    description: "What n8n keeps of executions, and for how long (README: the throughput each setting buys).",
  }),
});

export const DatabaseRestore = z.strictObject({
  generation: z.int().min(2).max(99).meta({
    description:
      "The database server's generation: each restore makes a new CloudNativePG cluster (n8n-db-g2, -g3, …) bootstrapped from the previous one's backups in the object store; the previous server is kept, untouched.",
  }),
  pointInTime: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, {
      error: 'an RFC 3339 time with its zone, such as "2026-12-01T05:00:00Z"',
    })
    .optional()
    .meta({
      description: "Recover to this moment (WAL replayed up to it); default: the latest the archive holds.",
    }),
});

export const Database = z.strictObject({
  restore: DatabaseRestore.optional().meta({
    description:
      "A restore in the cluster (tenantctl restore --in-cluster writes it): isolation cluster only.",
  }),
  isolation: z.enum(DATABASE_ISOLATIONS).optional().meta({
    description:
      "cluster: a PostgreSQL server (CloudNativePG) per tenant; rds: an RDS instance per tenant; database: a database and role on the zone's shared server.",
  }),
  storage: Quantity.optional(),
  instances: z.int().min(1).max(5).optional(),
  resources: Resources.optional(),
  pooler: z
    .strictObject({
      instances: z.int().min(1).max(10).optional().meta({ description: "PgBouncer pods (default 2)." }),
      poolMode: z.enum(["transaction", "session"]).optional().meta({
        description:
          "transaction (default): a server connection per transaction; session: per client connection.",
      }),
    })
    .optional()
    .meta({
      description:
        "A PgBouncer pooler (CloudNativePG Pooler) in front of the tenant's own server (isolation cluster): the product's components connect through it.",
    }),
});
export const Rabbitmq = z.strictObject({
  isolation: z.enum(RABBITMQ_ISOLATIONS).optional().meta({
    description:
      "instance: a RabbitMQ cluster per tenant (RabbitmqCluster); vhost: a vhost and a user confined to it on the zone's shared RabbitMQ (messaging topology operator).",
  }),
  replicas: z
    .union([z.literal(1), z.literal(3)], { error: "1 or 3 (RabbitMQ quorum needs an odd count)" })
    .optional(),
  storage: Quantity.optional(),
  resources: Resources.optional(),
});
export const Redis = z.strictObject({
  isolation: z.enum(REDIS_ISOLATIONS).optional().meta({
    description: "instance: a Redis per tenant; acl: an ACL user with a key prefix on the zone's Redis.",
  }),
  resources: Resources.optional(),
});
export const Quota = z.strictObject({
  cpu: Quantity.optional().meta({ description: "requests.cpu of the namespace" }),
  memory: Quantity.optional().meta({ description: "requests.memory of the namespace" }),
  limits: ComputeAmounts.optional().meta({
    description: "limits.cpu/limits.memory; default 3× the cpu and 2× the memory requests",
  }),
  storage: Quantity.optional().meta({ description: "requests.storage of the namespace" }),
  pods: z.int().min(1).optional(),
  persistentVolumeClaims: z.int().min(0).optional(),
});

/** An image with a tag or a digest: what runs must be named, never "whatever latest is today". */
const Image = z
  .string()
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/,
    { error: 'an image with a tag or digest, such as "ghcr.io/acme/api:2.4.1" or "…@sha256:<64 hex>"' },
  );
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "an environment variable name" });
const SecretItem = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
  error: "a secret item name: lowercase letters, digits and '-'",
});
export const SecretEnv = z
  .strictObject({
    item: SecretItem.meta({ description: "The secret at <zone>/<tenant>/<item> in AWS Secrets Manager." }),
    key: z
      .string()
      .regex(/^[-._a-zA-Z0-9]+$/, { error: "a property of that secret: letters, digits, '-', '_', '.'" }),
  })
  .meta({ description: "An environment variable from a property of one of the tenant's secrets." });
export const Probe = z
  .union([
    z.strictObject({
      path: z.string().regex(/^\/[^\s]*$/, { error: 'an HTTP path such as "/healthz"' }),
      periodSeconds: z.int().min(1).max(300).optional(),
    }),
    z.strictObject({
      command: z.array(z.string().min(1)).min(1),
      periodSeconds: z.int().min(1).max(300).optional(),
    }),
  ])
  .meta({ description: "An HTTP GET on the component's port (path) or a command run in the container." });
export const Route = z.strictObject({
  host: DnsLabel.optional().meta({
    description:
      "A label put before the tenant's hostname (api → api.<hostname>); none: the hostname itself.",
  }),
  path: z
    .string()
    .regex(/^\/[-A-Za-z0-9_.~/]*$/, { error: 'a URL path prefix such as "/" or "/api"' })
    .default("/"),
});
export const ComponentAutoscaling = z.strictObject({
  cpu: z.int().min(1).max(100).optional().meta({ description: "Target CPU utilisation, % of requests." }),
  memory: z
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: "Target memory utilisation, % of requests." }),
  rabbitmq: z
    .strictObject({
      queue: z.string().min(1).max(255),
      messagesPerReplica: z.int().min(1),
    })
    .optional()
    .meta({
      description: "Queue length (ready and unacknowledged messages) per replica, on the tenant's RabbitMQ.",
    }),
  prometheus: z
    .strictObject({ query: z.string().min(1), threshold: z.number().positive() })
    .optional()
    .meta({ description: "A PromQL query and its target value per replica." }),
  scaleDownStabilizationSeconds: z.int().min(0).max(3600).optional(),
});
export const ComponentName = z
  .string()
  .max(24, { error: "at most 24 characters" })
  .pipe(DnsLabel)
  .refine((name) => !/^(db|mq)(-|$)/.test(name), {
    error:
      'a name not "db", "mq" nor starting with "db-" or "mq-" (the data services\' objects are named so)',
  });
/** How a component runs on one machine (`tenantctl up`): the command beside the image. */
export const ComponentLocal = z
  .strictObject({
    command: z.array(z.string().min(1)).min(1).meta({
      description:
        "The command and its arguments; ${PORT} is the port tenantctl gives this process (also in $PORT), ${REPLICA} its replica's number (1, 2, …).",
    }),
    env: z
      .record(EnvName, z.string())
      .optional()
      .meta({ description: "Variables added on this machine only (${PORT} and ${REPLICA} expand)." }),
    cwd: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Its working directory, relative to the spec file (default: the spec's)." }),
    python: z
      .strictObject({
        requirements: z.string().min(1).meta({
          description:
            "A requirements file (relative to the spec file), installed from PyPI into a virtual environment in tenantctl's cache, whose bin/ comes first on the command's PATH.",
        }),
      })
      .optional(),
  })
  .meta({
    description:
      "How tenantctl up runs the component on this machine: the same environment as in the cluster, with local hosts, ports and secrets.",
  });
export const Component = z.strictObject({
  image: Image,
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  port: z
    .int()
    .min(1)
    .max(65535)
    .optional()
    .meta({ description: "The port it serves HTTP on (named http)." }),
  env: z.record(EnvName, z.string()).optional(),
  secretEnv: z.record(EnvName, SecretEnv).optional(),
  probes: z.strictObject({ readiness: Probe.optional(), liveness: Probe.optional() }).optional(),
  resources: Resources.optional(),
  replicas: z.strictObject({ min: Replicas.optional(), max: Replicas.min(1).optional() }).optional(),
  nodeClass: z.enum(NODE_CLASSES).optional(),
  autoscaling: ComponentAutoscaling.optional(),
  routes: z
    .array(Route)
    .optional()
    .meta({ description: "Where the zone's load balancer sends requests to it (HTTPS only)." }),
  talksTo: z.array(z.string().min(1)).optional().meta({
    description:
      "The components of the same product and the data services (postgres, redis, rabbitmq) it connects to: the only connections its network policies allow.",
  }),
  internet: z.boolean().optional().meta({ description: "May reach the public internet (default false)." }),
  user: z
    .int()
    .min(1)
    .max(2147483647)
    .optional()
    .meta({ description: "The uid it runs as (default 10001; never root)." }),
  local: ComponentLocal.optional(),
});
/**
 * A product's name labels its pods (`app.kubernetes.io/name`): it must not be a label the data
 * services' pods carry, or a component's pods could pose as the tenant's Redis (name redis,
 * component queue) and be selected by its policies and its Deployment.
 */
export const RESERVED_PRODUCT_NAMES: readonly string[] = [
  "n8n",
  "redis",
  "rabbitmq",
  "postgres",
  "pgbouncer",
];
export const ProductName = z
  .string()
  .max(24, { error: "at most 24 characters" })
  .pipe(DnsLabel)
  .refine((name) => !RESERVED_PRODUCT_NAMES.includes(name), {
    error: `a name other than ${RESERVED_PRODUCT_NAMES.map((n) => `"${n}"`).join(", ")} (n8n is built in; the others label the data services' pods, which policies select by that name)`,
  });
export const ServiceProduct = z.strictObject({
  description: z.string().optional(),
  components: z.record(ComponentName, Component).refine((c) => Object.keys(c).length > 0, {
    error: "no component is declared; a product needs at least one",
  }),
});

export const Hibernation = z
  .strictObject({
    asleep: z.boolean().optional().meta({
      description:
        "Asleep (tenantctl hibernate writes it, wake removes it): in the cluster its workloads at zero and its own database server hibernated (volumes kept); on this machine its processes stopped until a request comes.",
    }),
    idleAfter: z
      .string()
      .regex(/^[1-9]\d*[smh]$/, { error: 'a duration such as "30m", "2h" or "90s"' })
      .optional()
      .meta({
        description:
          "Sleep after this long without a request: in the cluster the routed workloads scale to zero on the ingress controller's request count (ingress className nginx) and the next request wakes them; on this machine the front door stops the tenant's processes and holds the next request while they start.",
      }),
  })
  .meta({ description: "When the tenant sleeps (tenantctl hibernate, wake)." });

const Groups = z.array(z.string().min(1)).meta({ description: "Identity-provider groups." });

export const ALERT_RECEIVER_TYPES = ["webhook", "slack", "email"] as const;
const MailAddress = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "an e-mail address" });
export const AlertReceiver = z
  .strictObject({
    name: z.string().max(40, { error: "at most 40 characters" }).pipe(DnsLabel),
    type: z.enum(ALERT_RECEIVER_TYPES),
    to: MailAddress.optional().meta({ description: "email: where the alerts go." }),
    from: MailAddress.optional().meta({ description: "email: the sender." }),
    smarthost: z
      .string()
      .regex(/^[a-z0-9.-]+:\d{1,5}$/, { error: "host:port of the SMTP server, such as smtp.example.com:587" })
      .optional()
      .meta({ description: "email: the SMTP server, host:port." }),
    channel: z.string().min(1).optional().meta({ description: "slack: the channel, such as #alerts." }),
  })
  .superRefine((receiver, ctx) => {
    const needs: Record<(typeof ALERT_RECEIVER_TYPES)[number], readonly string[]> = {
      webhook: [],
      slack: ["channel"],
      email: ["to", "from", "smarthost"],
    };
    const own = needs[receiver.type];
    for (const key of ["to", "from", "smarthost", "channel"] as const) {
      if (own.includes(key) && receiver[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: `a ${receiver.type} receiver needs ${key}` });
      if (!own.includes(key) && receiver[key] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `${key} is for ${key === "channel" ? "slack" : "email"} receivers, not ${receiver.type}`,
        });
    }
  })
  .meta({
    description:
      "Where the tenant's alerts go. Credentials (a webhook's or Slack's URL, key `url`; the SMTP password, key `password`) come from AWS Secrets Manager at <zone>/<tenant>/alerts-<name>, through External Secrets.",
  });
export type AlertReceiverSettings = z.infer<typeof AlertReceiver>;
export const Alerts = z
  .strictObject({ receivers: z.array(AlertReceiver).optional() })
  .meta({ description: "The tenant's alerts and where they go (its own namespace's alerts only)." });
const Labels = z.record(LabelKey, LabelValue);

const settings = {
  product: DnsLabel.optional().meta({
    description: 'What the tenant runs: "n8n" (the default) or a product declared under products:.',
  }),
  tier: z.enum(TIERS).optional().meta({ description: "dedicated: the tenant gets its own node pool." }),
  database: Database.optional(),
  redis: Redis.optional(),
  rabbitmq: Rabbitmq.optional(),
  quota: Quota.optional(),
  n8n: N8n.optional(),
  admins: Groups.optional(),
  viewers: Groups.optional(),
  labels: Labels.optional(),
  hibernation: Hibernation.optional(),
  alerts: Alerts.optional(),
  images: z.record(ComponentName, Image).optional().meta({
    description:
      "The image of each named component, in place of the product's (what `tenantctl set-image` edits).",
  }),
};

export const Defaults = z.strictObject(settings).meta({ description: "Applied to every tenant." });

/** A zone name: its data namespace `zone-<name>-data` must stay a DNS label. */
export const ZoneName = z
  .string()
  .max(53, { error: "at most 53 characters, so that its namespace zone-<name>-data stays a DNS label" })
  .pipe(DnsLabel);

/** A tenant name: its namespace `tenant-<name>` and Argo CD project must stay DNS labels. */
export const TenantName = z
  .string()
  .max(56, { error: "at most 56 characters, so that its namespace tenant-<name> stays a DNS label" })
  .pipe(DnsLabel);

/** What a tenant may change per cluster: sizes, versions, images and its hostname (the rest is the tenant's everywhere). */
export const TenantClusterOverride = z.strictObject({
  hostname: DnsName.optional().meta({
    description:
      "The tenant's hostname on this cluster (a hostname is one cluster's: two would fight over its DNS record).",
  }),
  tier: settings.tier,
  database: settings.database,
  redis: settings.redis,
  rabbitmq: settings.rabbitmq,
  quota: settings.quota,
  n8n: settings.n8n,
  images: settings.images,
});

export const ClusterKey = DnsLabel;

export const Tenant = z.strictObject({
  name: TenantName,
  zone: DnsLabel,
  hostname: DnsName.optional().meta({ description: "Default: <name>.<cluster.domain>" }),
  clusters: z
    .union([z.array(ClusterKey).min(1), z.record(ClusterKey, TenantClusterOverride)])
    .optional()
    .meta({
      description:
        "The clusters (keys of clusters:) the tenant runs on, as a list, or as a map to what it changes there. Default: every cluster.",
    }),
  ...settings,
});

export const Zone = z.strictObject({
  customerData: z.boolean().meta({ description: "Whether this zone's n8n processes customer data." }),
  customerDataCidrs: z.array(Cidr).default([]),
  denyEgressTo: z.array(Cidr).default([]),
  dedicatedNodes: z.boolean().default(false),
  allowSharedDataServices: z.boolean().default(false).meta({
    description: "Allow database/redis sharing (isolation database/acl) for tenants of a customer-data zone.",
  }),
});

export const SYNC_MODES = ["automatic", "manual"] as const;
export const SyncWindow = z.strictObject({
  kind: z.enum(["allow", "deny"]),
  schedule: z
    .string()
    .regex(/^\S+( \S+){4}$/, { error: 'a cron schedule with five fields, such as "0 10 * * 2"' }),
  duration: z.string().regex(/^[1-9]\d*[hm]$/, { error: 'a duration such as "2h" or "30m"' }),
  manualSync: z
    .boolean()
    .default(true)
    .meta({ description: "Whether a person may still sync outside the window." }),
  timeZone: z.string().min(1).default("UTC"),
});

export const Cluster = z.strictObject({
  name: DnsLabel,
  region: AwsRegion,
  domain: DnsName,
  kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS),
  awsAccountId: z
    .string()
    .regex(/^\d{12}$/, { error: 'a 12-digit AWS account id, quoted: "123456789012"' })
    .meta({
      description:
        "The AWS account of the cluster: IAM role ARNs (zone identities, Karpenter) are built from it.",
    }),
  vpcCidr: Cidr.default("10.0.0.0/16").meta({
    description:
      "The cluster VPC: where the load balancer, the API server endpoints and RDS live. NetworkPolicies allow exactly these sources and destinations.",
  }),
  loadBalancerSubnets: z.array(Cidr).min(1).optional().meta({
    description:
      "The subnets the load balancers live in (the source n8n admits on its HTTP port). Default: the VPC. Give the public subnets, apart from podCidr, so that no pod can pose as the load balancer.",
  }),
  databaseSubnets: z.array(Cidr).min(1).optional().meta({
    description:
      "The subnets RDS instances live in (where rds tenants may connect on 5432). Default: the VPC. Apart from podCidr, no pod is reachable through that allowance.",
  }),
  natGateways: z.enum(NAT_GATEWAYS).default("per-az").meta({
    description:
      "per-az: a NAT gateway in each of the 3 availability zones (a zone outage keeps egress); one: a single NAT gateway (cheaper, one zone's outage cuts every pod's internet egress).",
  }),
  adminRoleArns: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
        error: 'an IAM role ARN such as "arn:aws:iam::111122223333:role/platform-admin"',
      }),
    )
    .default([])
    .meta({
      description:
        "IAM roles of the platform admins: each gets an EKS access entry with cluster-admin. `aws synth` needs at least one (nobody else can reach the cluster).",
    }),
  publicApiCidrs: z.array(Cidr).min(1).optional().meta({
    description:
      "Where the EKS API's public endpoint admits from (admins, CI). Default: anywhere, still with IAM authentication; the private endpoint is always on.",
  }),
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{1,31}$/, { error: 'a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"' })
    .optional()
    .meta({
      description:
        "The Route 53 public hosted zone of cluster.domain. Default: the AWS layer creates it (delegate it from the parent domain with the name servers it outputs).",
    }),
  podCidr: Cidr.optional().meta({
    description:
      "Where pods get their IP addresses. Default: the VPC (EKS with the VPC CNI gives pods VPC addresses), so an ipBlock of the VPC matches pods too; verify models that.",
  }),
  production: z.boolean().default(false).meta({
    description:
      "A production cluster: its Argo CD Applications sync only when someone syncs them (or inside syncWindows), never on every commit.",
  }),
  sync: z.enum(SYNC_MODES).optional().meta({
    description:
      "automatic: Argo CD syncs every commit; manual: someone syncs. Default: manual in production, else automatic.",
  }),
  syncWindows: z.array(SyncWindow).optional().meta({
    description:
      "Argo CD sync windows on every project of the cluster (e.g. allow Tuesdays 10:00 for 2h): when automatic sync may run.",
  }),
});

/**
 * One cluster of several (`clusters.<key>`): the keys of `cluster:` it changes, the rest as
 * `cluster:` says. Defaults are not repeated here, so that an unset key inherits, not resets.
 */
export const ClusterOverride = z.strictObject(
  Object.fromEntries(
    Object.entries(Cluster.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
    ]),
  ) as unknown as {
    [K in keyof typeof Cluster.shape]: z.ZodOptional<z.ZodType<z.output<(typeof Cluster.shape)[K]>>>;
  },
);

export const INGRESS_TLS = ["acm", "cert-manager"] as const;
export const Ingress = z.strictObject({
  className: z.string().min(1).default("alb").meta({
    description:
      "alb: AWS Load Balancer Controller, one shared ALB per zone (IngressGroup); any other: an in-cluster controller.",
  }),
  tls: z.enum(INGRESS_TLS).default("acm").meta({
    description:
      "acm: the ALB finds the ACM certificate for each hostname; cert-manager: a certificate per tenant.",
  }),
  clusterIssuer: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "cert-manager ClusterIssuer (tls: cert-manager)." }),
  controllerNamespace: DnsLabel.default("ingress-nginx").meta({
    description:
      "Namespace of an in-cluster ingress controller, allowed to reach n8n (className other than alb).",
  }),
});

export const Offboarded = z
  .strictObject({
    name: TenantName,
    zone: DnsLabel,
    until: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date such as "2027-03-01"' })
      .meta({
        description:
          "Its data and keys are kept until this day (UTC): prune deletes them only after it, and with --allow-data-loss.",
      }),
    backup: z.string().min(1).optional().meta({ description: "The final backup taken when it left." }),
  })
  .meta({ description: "A tenant that left (tenantctl offboard): what of it is kept, and until when." });

export const UpgradeWave = z.strictObject({
  name: DnsLabel,
  tenants: z.array(DnsLabel).optional().meta({ description: "Tenants by name." }),
  zones: z.array(DnsLabel).optional().meta({ description: "Every tenant of these zones." }),
  labels: Labels.optional().meta({ description: "Every tenant with all of these labels." }),
});

export const Upgrades = z.strictObject({
  waves: z.array(UpgradeWave).default([]).meta({
    description:
      "Upgrade waves in order (tenantctl upgrade --wave): a tenant is in the first wave that selects it; the tenants no wave selects form a last wave named rest.",
  }),
});

export const Backups = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "an S3 bucket name" })
    .optional(),
  retention: z
    .string()
    .regex(/^[1-9]\d*[dwm]$/, { error: 'a retention such as "30d", "8w" or "6m"' })
    .default("30d"),
  schedule: z
    .string()
    .min(1)
    .default("0 0 3 * * *")
    .meta({ description: "CloudNativePG cron, with seconds." }),
});

export const Gitops = z.strictObject({
  repoURL: RepoUrl,
  targetRevision: z.string().min(1),
  path: z
    .string()
    .regex(/^[^/\s][^\s]*$/, { error: "a relative path inside the repository, such as rendered" }),
});

export const CI_PROVIDERS = ["github", "gitlab"] as const;
const GitRepository = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, { error: 'a repository path such as "acme/portal"' });
export const Ci = z.strictObject({
  provider: z.enum(CI_PROVIDERS).meta({
    description: "Whose OIDC tokens the CI roles trust: GitHub Actions or GitLab CI.",
  }),
  issuer: DnsName.optional().meta({
    description:
      "The OIDC issuer's host. Default: token.actions.githubusercontent.com (github), gitlab.com (gitlab); a self-managed GitLab's host here.",
  }),
  oidcProviderArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/\S+$/, { error: "an IAM OIDC provider ARN" })
    .optional()
    .meta({
      description:
        "The account's existing OIDC provider for the issuer (an account has one per issuer). Default: the AWS layer creates it.",
    }),
  registryCluster: DnsLabel.optional().meta({
    description:
      "The cluster (a key of clusters:) whose account holds the ECR repositories; the other clusters' accounts may pull. Default: the first cluster.",
  }),
  repositories: z
    .record(
      ProductName,
      z.strictObject({
        repository: GitRepository.meta({
          description: "The application's repository: owner/name (GitHub) or group/project (GitLab).",
        }),
        branches: z
          .array(z.string().regex(/^[^\s*]+$/, { error: "a branch name" }))
          .min(1)
          .default(["main"])
          .meta({
            description: "Only pipelines of these branches may push (a pull request's may not).",
          }),
      }),
    )
    .meta({
      description:
        "Per product, the application repository whose pipeline builds its images: it gets a role that may push to ECR repositories <product>/<component> only.",
    }),
});

export const Secrets = z.strictObject({
  provider: z.enum(SECRET_PROVIDERS).default("external-secrets"),
});

export const ADDON_NAMES = [
  "cloudnativePg",
  "keda",
  "karpenter",
  "externalSecrets",
  "externalDns",
  "certManager",
  "awsLoadBalancerController",
  "kyverno",
  "policyReporter",
  "kubePrometheusStack",
  "loki",
  "fluentBit",
  "rabbitmqClusterOperator",
  "rabbitmqTopologyOperator",
] as const;
export type AddonName = (typeof ADDON_NAMES)[number];

/** Add-ons the cluster layer installs unless switched off; Kyverno and its reporter are opt-in. */
export const ADDONS_OFF_BY_DEFAULT: readonly AddonName[] = ["kyverno", "policyReporter"];
/** Add-ons on by default only where some tenant needs them (the RabbitMQ operators: a tenant with RabbitMQ). */
export const ADDONS_WHEN_NEEDED: readonly AddonName[] = [
  "rabbitmqClusterOperator",
  "rabbitmqTopologyOperator",
];

const AddonSwitch = z.union([
  z.boolean(),
  z.strictObject({
    enabled: z.boolean().default(true),
    values: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Helm values merged over tenantctl's." }),
  }),
]);
export const Addons = z.strictObject(
  Object.fromEntries(ADDON_NAMES.map((name) => [name, AddonSwitch.optional()])) as Record<
    AddonName,
    z.ZodOptional<typeof AddonSwitch>
  >,
);

const positive = (what: string) => z.number().positive({ error: `a positive number (${what})` });
const count = z.int().min(0, { error: "a whole number, 0 or more" });

export const CostBaseline = z
  .strictObject({
    mainTask: z
      .strictObject({ cpu: positive("vCPU").default(1), memoryGiB: positive("GiB").default(2) })
      .prefault({})
      .meta({ description: "Fargate size of n8n's main task." }),
    workerTask: z
      .strictObject({ cpu: positive("vCPU").default(1), memoryGiB: positive("GiB").default(2) })
      .prefault({})
      .meta({ description: "Fargate size of one worker task." }),
    workers: count.optional().meta({
      description:
        "Worker tasks per tenant (fixed: no autoscaling today). Default: the tenant's n8n.workers.min, at least 1.",
    }),
    natGateways: count.default(1),
    loadBalancer: z.boolean().default(true),
    publicIpv4: count.default(3).meta({ description: "Public IPv4 addresses (NAT and load balancer)." }),
    rdsClass: z.string().min(1).default("db.t4g.small"),
    rdsStorageGiB: positive("GiB").default(20),
    rdsMultiAz: z.boolean().default(false),
    cacheClass: z.string().min(1).default("cache.t4g.micro"),
    secrets: count.default(4),
    kmsKeys: count.default(1),
    natGbMonth: z.number().min(0).default(20),
    albLcu: z.number().min(0).default(1).meta({ description: "Average load balancer capacity units." }),
    accountFixedMonthly: z.number().min(0).default(15).meta({
      description:
        "USD per account and month that every account pays whatever runs in it (CloudTrail, Config, GuardDuty minimums).",
    }),
  })
  .meta({ description: "Today's setup: one ECS/Fargate stack per tenant, each in its own AWS account." });

export const Cost = z.strictObject({
  baseline: CostBaseline.prefault({}),
  natGbPerTenantMonth: z.number().min(0).default(20).meta({
    description: "Internet traffic through the platform's NAT gateways per tenant and month.",
  }),
  albLcuPerTenant: z.number().min(0).default(0.2).meta({
    description:
      "Load balancer capacity units a tenant adds to its zone's shared ALB (each ALB has 1 of its own).",
  }),
  backupGbPerDatabaseGb: z.number().min(0).default(1.5).meta({
    description:
      "Backup bytes in S3 (base backups and WAL within the retention) per byte of database volume.",
  }),
});

const HttpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, { error: "an https:// URL" });
export const Observability = z
  .strictObject({
    platformGroups: z.array(z.string().min(1)).min(1).default(["platform-team"]).meta({
      description:
        "Groups that administer every tenant's Grafana (the platform team); tenants' own groups see only their own.",
    }),
    oidc: z
      .strictObject({
        authUrl: HttpsUrl,
        tokenUrl: HttpsUrl,
        apiUrl: HttpsUrl.meta({
          description: "The userinfo endpoint, whose `groups` claim names the user's groups.",
        }),
        clientId: z.string().min(1),
      })
      .optional()
      .meta({
        description:
          "The identity provider each tenant's Grafana signs in with; its client secret is the Secret grafana-oidc (key clientSecret) in the observability-<platform> namespace. Without it nobody can sign in: Grafana has no local accounts.",
      }),
  })
  .meta({
    description:
      "Per-tenant dashboards, logs and alerts (with the kubePrometheusStack, loki and fluentBit add-ons): a Grafana per tenant that reads only its own metrics and logs.",
  });

export const Platform = z.strictObject({
  apiVersion: z.literal("tenantctl/v1alpha1"),
  kind: z.literal("Platform"),
  metadata: z.strictObject({ name: DnsLabel }),
  cluster: Cluster,
  clusters: z.record(ClusterKey, ClusterOverride).optional().meta({
    description:
      "Several clusters from this spec (e.g. staging and prod), each what it changes of cluster:. Default name: <cluster.name>-<key>. Each gets its tree under clusters/<name>/.",
  }),
  gitops: Gitops,
  ci: Ci.optional().meta({
    description:
      "Continuous integration: ECR repositories per product and roles an application's pipeline assumes by OIDC to push to them (tenantctl aws synth).",
  }),
  secrets: Secrets.default({ provider: "external-secrets" }),
  ingress: Ingress.default({ className: "alb", tls: "acm", controllerNamespace: "ingress-nginx" }),
  backups: Backups.default({ retention: "30d", schedule: "0 0 3 * * *" }),
  upgrades: Upgrades.default({ waves: [] }).meta({
    description: "How n8n version changes move through the tenants (tenantctl upgrade).",
  }),
  addons: Addons.default({}).meta({
    description: "Cluster add-ons, each true/false or { enabled, values }.",
  }),
  zones: z.record(ZoneName, Zone).refine((zones) => Object.keys(zones).length > 0, {
    error: "no zone is declared; at least one is required",
    params: { hint: "declare a zone, for example `internal: { customerData: false }`" },
  }),
  products: z.record(ProductName, ServiceProduct).default({}).meta({
    description: "Products other than n8n, each made of components; a tenant runs one with product: <name>.",
  }),
  defaults: Defaults.optional(),
  tenants: z.array(Tenant),
  offboarded: z.array(Offboarded).default([]).meta({
    description:
      "Tenants that left (tenantctl offboard writes them): their databases, volumes and keys are kept until their date.",
  }),
  cost: Cost.prefault({}).meta({
    description: "Assumptions of `tenantctl cost` (prices are in its price tables).",
  }),
  observability: Observability.prefault({}),
});

export type Platform = z.output<typeof Platform>;
export type UpgradeWaveSpec = z.output<typeof UpgradeWave>;
export type OffboardedSpec = z.output<typeof Offboarded>;
export type PlatformInput = z.input<typeof Platform>;
export type Tenant = z.output<typeof Tenant>;
export type Zone = z.output<typeof Zone>;
export type Defaults = z.output<typeof Defaults>;
export type Resources = z.output<typeof Resources>;
export type Tier = (typeof TIERS)[number];
export type DatabaseIsolation = (typeof DATABASE_ISOLATIONS)[number];
export type RedisIsolation = (typeof REDIS_ISOLATIONS)[number];
export type RabbitmqIsolation = (typeof RABBITMQ_ISOLATIONS)[number];
export type NodeClass = (typeof NODE_CLASSES)[number];
export type ServiceProduct = z.output<typeof ServiceProduct>;
export type Component = z.output<typeof Component>;
export type SecretProvider = (typeof SECRET_PROVIDERS)[number];
export type IngressSpec = z.output<typeof Ingress>;
export type ClusterSpec = z.output<typeof Cluster>;
export type CiSpec = z.output<typeof Ci>;
export type ClusterOverride = z.output<typeof ClusterOverride>;
export type TenantClusterOverride = z.output<typeof TenantClusterOverride>;
