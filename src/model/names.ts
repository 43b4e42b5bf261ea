/**
 * Every Kubernetes and AWS name tenantctl gives comes from here (ARCHITECTURE invariant 2).
 * Names are DNS-1123 labels of at most 63 characters; a longer one keeps a readable
 * prefix and ends in a hash of the full name, so two long names never collide.
 */
import { createHash } from "node:crypto";
import type { AddonName } from "../input/schema.js";
import { PINNED } from "../versions.js";

export const MAX_LABEL_LENGTH = 63;
const HASH_LENGTH = 8;

export function dnsLabel(...parts: readonly string[]): string {
  const raw = parts.join("-");
  const full = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  // Any change is lossy (`a--b` and `a-b` would meet): the hash of the raw parts keeps them apart.
  if (full === raw && full.length <= MAX_LABEL_LENGTH) return full;
  return withHash(full, raw, MAX_LABEL_LENGTH, "-");
}

/** A readable prefix of `readable`, then a hash of `raw`, within `max` characters. */
function withHash(readable: string, raw: string, max: number, separator: string): string {
  const hash = createHash("sha256").update(raw).digest("hex").slice(0, HASH_LENGTH);
  const prefix = readable.slice(0, max - HASH_LENGTH - 1).replace(/[-_]+$/, "");
  return `${prefix}${separator}${hash}`;
}

/** An IAM role name (at most 64 characters): a longer one keeps a prefix and ends in a hash. */
export function iamName(...parts: readonly string[]): string {
  const raw = parts.join("-");
  return raw.length <= 64 ? raw : withHash(raw, raw, 64, "-");
}

/**
 * A tenant's database and role name on its zone's shared PostgreSQL (isolation `database`).
 * Every tenant of that server can list pg_database and pg_roles (PostgreSQL cannot hide its
 * catalogs), so the name must not say who the tenant is: a keyed hash of the tenant name,
 * keyed by the platform's identity, instead of the customer's name.
 */
export function sharedDataIdentifier(platformKey: string, tenant: string): string {
  const digest = createHash("sha256").update(`${platformKey}\0${tenant}`).digest("hex").slice(0, 24);
  return `t_${digest}`;
}

/** The key of sharedDataIdentifier: the platform, its cluster and its AWS account. */
export function platformKey(platform: string, cluster: string, awsAccountId: string): string {
  return `${platform}/${cluster}/${awsAccountId}`;
}

/** Label keys and values that tenantctl sets and that its policies select on. */
export const LABEL = {
  /** Which platform (spec metadata.name) an object belongs to: the scope of apply's prune. */
  platform: "tenantctl.io/platform",
  tenant: "tenantctl.io/tenant",
  zone: "tenantctl.io/zone",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  name: "app.kubernetes.io/name",
  component: "app.kubernetes.io/component",
  namespaceName: "kubernetes.io/metadata.name",
} as const;
export const MANAGED_BY = "tenantctl";

/**
 * Which platform on which cluster created an object: every rendered object carries it, so
 * objects Argo CD creates from the tree carry it too. `apply` updates and prunes only objects
 * with its own identity, and adopts nothing else unless told to by name.
 */
export const OWNER_ANNOTATION = "tenantctl.io/owner";
export function platformIdentity(platform: string, cluster: string): string {
  return `${platform}/${cluster}`;
}

export const POD_SECURITY = {
  enforce: "pod-security.kubernetes.io/enforce",
  enforceVersion: "pod-security.kubernetes.io/enforce-version",
  audit: "pod-security.kubernetes.io/audit",
  auditVersion: "pod-security.kubernetes.io/audit-version",
  warn: "pod-security.kubernetes.io/warn",
  warnVersion: "pod-security.kubernetes.io/warn-version",
} as const;

/**
 * The namespace that holds everything of one tenant. Tenant names are DNS labels of at most
 * 56 characters (spec rule), so this is a DNS label too, and Argo CD's ApplicationSet
 * templates can spell it the same way (`tenant-{{ .path.basename }}`).
 */
export function tenantNamespace(tenant: string): string {
  return `tenant-${tenant}`;
}

/** Fixed names of the per-tenant baseline objects (one of each per namespace). */
export const BASELINE = {
  resourceQuota: "tenant-quota",
  limitRange: "tenant-limits",
  defaultDeny: "default-deny-all",
  allowDns: "allow-dns-egress",
  adminRole: "tenant-admin",
  viewerRole: "tenant-viewer",
} as const;

/** kube-dns as every EKS cluster runs it: pods labelled k8s-app=kube-dns in kube-system. */
export const KUBE_DNS = { namespace: "kube-system", podLabel: "k8s-app", podLabelValue: "kube-dns" } as const;

/** The n8n workloads of a tenant and what they listen on. */
export const N8N = {
  app: "n8n",
  port: 5678,
  /** The task broker inside main/worker; the runner sidecar reaches it on localhost. */
  brokerPort: 5679,
  roles: { main: "n8n-main", worker: "n8n-worker", webhook: "n8n-webhook" },
  /** KEDA's TriggerAuthentication for the workers' scaler (the Redis password). */
  workerTriggerAuth: "n8n-worker-redis",
  ingress: "n8n",
  /** The certificate cert-manager issues for the tenant's hostname (ingress tls: cert-manager). */
  tlsSecret: "n8n-tls",
} as const;
export type N8nRole = keyof typeof N8N.roles;

/** The service account a product's pods run as (no token mounted: they never call the API). */
export function productServiceAccount(product: string): string {
  return product;
}

/** Names of a tenant's data services and their credentials, after the product that uses them. */
export interface TenantDataNames {
  /** The CloudNativePG cluster of isolation `cluster` (its services are `<name>-rw`, its CA `<name>-ca`). */
  readonly databaseCluster: string;
  /** The PgBouncer Pooler in front of it (and its Service): `<product>-db-pooler`. */
  readonly databasePooler: string;
  readonly databaseName: string;
  readonly databaseOwner: string;
  readonly scheduledBackup: string;
  /** The Secret with the database credentials (and, for RDS, its endpoint and CA). */
  readonly databaseSecret: string;
  /** The Secret with the Redis password (and, for an ACL user, its name). */
  readonly redisSecret: string;
  /** The tenant's own RabbitmqCluster (its Service has the same name; its default user `<name>-default-user`). */
  readonly rabbitmqCluster: string;
  /** The Secret with the RabbitMQ user and password: the operator's default user, or a vhost user's. */
  readonly rabbitmqSecret: string;
}
/** The database server of a generation: the first is `<product>-db`, each restore's `<product>-db-g<N>`. */
export function databaseClusterName(product: string, generation = 1): string {
  return generation <= 1 ? `${product}-db` : `${product}-db-g${generation}`;
}

export function tenantDataNames(product: string, generation = 1): TenantDataNames {
  return {
    databaseCluster: databaseClusterName(product, generation),
    databasePooler: `${product}-db-pooler`,
    databaseName: product,
    databaseOwner: product,
    scheduledBackup: `${product}-db-daily`,
    databaseSecret: `${product}-db-app`,
    redisSecret: `${product}-redis-auth`,
    rabbitmqCluster: `${product}-mq`,
    rabbitmqSecret: `${product}-rabbitmq-auth`,
  };
}

/**
 * The on-demand backup taken before a tenant's data moves to another release: named for the
 * release (`n8n-db-before-n8n-2-41-1`), so each upgrade takes one, once. At most 63 characters.
 */
export function upgradeBackupName(databaseCluster: string, releaseKey: string, version: string): string {
  const what = releaseKey.replace(/\.version$/, "").replaceAll(".", "-");
  return dnsLabel(`${databaseCluster}-before-${what}-${version.replaceAll(".", "-")}`);
}

/** Ports of the data services, the same everywhere (cluster, zone, local runtime). */
export const PORT = {
  postgres: 5432,
  redis: 6379,
  /** CloudNativePG's instance manager (the operator's status calls). */
  cnpgInstanceManager: 8000,
  /** The PostgreSQL exporter inside every CloudNativePG instance. */
  postgresMetrics: 9187,
  amqp: 5672,
  /** RabbitMQ's management API: KEDA reads queue lengths there, the topology operator manages vhosts and users. */
  rabbitmqManagement: 15672,
  rabbitmqMetrics: 15692,
  /** Erlang distribution and its port mapper: the nodes of one RabbitMQ cluster among themselves. */
  rabbitmqClustering: 25672,
  epmd: 4369,
} as const;

/** The data services' own objects (the same for every product). */
export const DATA = {
  redis: "redis",
  /** Shared zone services (isolation database / acl). */
  sharedDbCluster: "shared-db",
  sharedRedis: "shared-redis",
  sharedRabbitmq: "shared-rabbitmq",
} as const;

/**
 * What holds data (databases, encryption keys, credentials) is marked so: Argo CD never prunes
 * or deletes it, and `tenantctl apply` keeps it unless --allow-data-loss is given.
 */
export const DATA_BEARING_ANNOTATION = "tenantctl.io/data-bearing";
/** The last day (UTC, YYYY-MM-DD) an offboarded tenant's data-bearing object is kept through (tenantctl offboard). */
export const RETAIN_UNTIL_ANNOTATION = "tenantctl.io/retain-until";

/** On an ExternalSecret whose value its user puts into Secrets Manager (an alert receiver's URL): the AWS layer makes no secret for it. */
export const USER_SUPPLIED_ANNOTATION = "tenantctl.io/user-supplied";
export const KEEP_DATA_ANNOTATIONS = {
  "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
  [DATA_BEARING_ANNOTATION]: "true",
} as const;

/** The labels of every Redis pod (a tenant's own, a zone's shared one): policies select by them. */
export const REDIS_LABELS = { [LABEL.name]: "redis", [LABEL.component]: "queue" } as const;

/**
 * The RabbitMQ cluster operator labels a cluster's pods `app.kubernetes.io/name: <cluster>`
 * and these two: policies select by them (with the name).
 */
export const RABBITMQ_LABELS = { [LABEL.component]: "rabbitmq", [LABEL.partOf]: "rabbitmq" } as const;

/** CloudNativePG labels its instance pods with the cluster name under this key. */
export const CNPG_CLUSTER_LABEL = "cnpg.io/cluster";

/** The keys inside the data services' Secrets, by where the database runs. */
export const DATA_SECRET_KEYS = {
  redis: ["password"],
  redisAcl: ["username", "password"],
  database: ["username", "password"],
  rds: ["host", "port", "dbname", "username", "password", "sslCa"],
} as const;

/** The key prefix of a tenant on Redis (for n8n: the Bull queue and its own keys and channels). */
export function redisPrefix(product: string, tenant: string): string {
  return dnsLabel(product, tenant);
}

/** The items of the data services' secrets under a tenant's path in AWS Secrets Manager. */
export const SECRET_ITEM = { redis: "redis", database: "db", rds: "rds", rabbitmq: "rabbitmq" } as const;

/** Path of a tenant's secrets in AWS Secrets Manager: zone first, so IAM can scope by zone. */
export function secretPath(zone: string, tenant: string, item: string): string {
  return `${zone}/${tenant}/${item}`;
}

/** The External Secrets store a zone reads from (one per zone, with its own IAM role). */
export function zoneSecretStorePrefix(platform: string): string {
  return `aws-secrets-${platform}-`;
}
/** A DNS subdomain (not a label): the admission policy spells it in CEL as prefix + zone. */
export function zoneSecretStore(platform: string, zone: string): string {
  return `${zoneSecretStorePrefix(platform)}${zone}`;
}

/** A ValidatingAdmissionPolicy (and its binding) of the platform: cluster-wide, so named with it. */
export function admissionPolicyName(platform: string, what: string): string {
  return `${platform}-${what}`;
}

/** The namespace of a zone's shared data services (zone names are at most 53 characters). */
export function zoneDataNamespace(zone: string): string {
  return `zone-${zone}-data`;
}

/** In a zone's data namespace: the Secret with a tenant's role credentials, and its Database object. */
export function zoneRoleSecret(tenant: string): string {
  return dnsLabel("db", tenant);
}
export function zoneDatabaseObject(product: string, tenant: string): string {
  return dnsLabel(product, tenant);
}
export const ZONE_REDIS_ACL_SECRET = "shared-redis-acl";
/** In a zone's data namespace: the Secret with a tenant's RabbitMQ user credentials (what its User imports). */
export function zoneRabbitmqUserSecret(tenant: string): string {
  return dnsLabel("mq", tenant);
}

/** The IngressGroup of a zone's shared ALB: every tenant of the zone, of any product, joins it. */
export function ingressGroupName(platform: string, zone: string): string {
  return dnsLabel(platform, zone);
}

/** A route's host under a tenant's hostname: `api` and `shop.example.com` give `api.shop.example.com`. */
export function routeHostname(tenantHostname: string, label: string): string {
  return `${label}.${tenantHostname}`;
}

/** The S3 bucket of database backups, unless the spec names one. */
export function backupBucket(platform: string, cluster: string): string {
  return dnsLabel(platform, cluster, "db-backups");
}

/**
 * Where a database server's backups go inside the bucket: its zone, then its tenant (or
 * `_shared` for the zone's shared server: no tenant name starts with "_"). Each backup role
 * reaches its own prefix only.
 */
export function backupPrefix(zone: string, tenant: string | undefined): string {
  return `${zone}/${tenant ?? "_shared"}/`;
}

/** An rds tenant's SecurityGroupPolicy: its app pods get the group its RDS instance admits. */
export const SECURITY_GROUP_POLICY = "database-access";

/** The network policies of a tenant's stack and of a zone's shared data services. */
export const NETWORK_POLICY = {
  prometheus: "allow-prometheus-scrape",
  database: "allow-database",
  redis: "allow-redis",
  rabbitmq: "allow-rabbitmq",
} as const;

/** The network policies that let a product's pods be reached and reach out, named after it. */
export function productPolicyNames(product: string) {
  return {
    ingress: `allow-ingress-to-${product}`,
    toData: `allow-${product}-to-data`,
    toInternet: `allow-${product}-to-internet`,
  } as const;
}

/** The policies of a product's component-to-component edges: who may call a component, whom a component may call. */
export function componentPolicyNames(product: string, component: string) {
  return {
    callers: dnsLabel("allow-to", product, component),
    callees: dnsLabel("allow", product, component, "to-components"),
    toData: dnsLabel("allow", product, component, "to-data"),
  } as const;
}

/** A component's Deployment, Service, disruption budget and autoscaler: `<product>-<component>`. */
export function componentWorkload(product: string, component: string): string {
  return dnsLabel(product, component);
}

/** Namespaces where the platform's add-ons run (installed by the cluster layer). */
export const ADDON_NAMESPACE = {
  cnpg: "cnpg-system",
  keda: "keda",
  /** Where the kustomize bases of both RabbitMQ operators install them. */
  rabbitmq: "rabbitmq-system",
  monitoring: "monitoring",
  ingressNginx: "ingress-nginx",
  /** The log agent (Fluent Bit), one pod per node. */
  logging: "logging",
} as const;

/**
 * Per-tenant observability: each tenant's Grafana and the proxy that confines its metrics run in
 * a platform namespace, not the tenant's own, where its admins could edit their datasources.
 * A tenant's Loki tenant (X-Scope-OrgID) is its namespace's name: the log agent stamps it from
 * the log file's path, which the kubelet names, never from anything a tenant writes.
 */
export const OBSERVABILITY = {
  orgHeader: "X-Scope-OrgID",
  /** The Loki tenant of every log line outside tenants' namespaces. */
  platformLogTenant: "platform",
  lokiGateway: { host: "loki-gateway.monitoring.svc.cluster.local", port: 80 },
  grafanaPort: 3000,
  labelProxyPort: 8080,
  oidcSecret: "grafana-oidc",
} as const;

/** The platform's namespace of its tenants' Grafanas and metrics proxies: `observability-<platform>` (several platforms may share a cluster). */
export function observabilityNamespace(platform: string): string {
  return dnsLabel("observability", platform);
}

/** A tenant's Grafana (Deployment, Service, provisioning ConfigMaps): `grafana-<tenant>`. */
export function tenantGrafana(tenant: string): string {
  return `grafana-${tenant}`;
}

/** The label-enforcing proxy in front of Prometheus for one tenant: `prometheus-<tenant>`. */
export function tenantMetricsProxy(tenant: string): string {
  return `prometheus-${tenant}`;
}

/** CloudNativePG names each instance's pod and volume claim `<cluster>-<n>`: a PromQL regex of them. */
export function databaseInstancesRegex(cluster: string): string {
  return `${cluster}-[0-9]+`;
}

/** Where a tenant's Grafana reads its metrics: its own proxy's Service. */
export function metricsProxyUrl(platform: string, tenant: string): string {
  return `http://${tenantMetricsProxy(tenant)}.${observabilityNamespace(platform)}.svc.cluster.local:${OBSERVABILITY.labelProxyPort}`;
}

/** The log agent's path pattern of one namespace's container logs (the kubelet's `<pod>_<namespace>_<container>-<id>.log`). */
export function containerLogPattern(namespace: string): string {
  return `/var/log/containers/*_${namespace}_*.log`;
}

/** Where KEDA queries Prometheus (the kubePrometheusStack add-on's service). */
export const PROMETHEUS_SERVER = `http://kube-prometheus-stack-prometheus.${ADDON_NAMESPACE.monitoring}.svc.cluster.local:9090`;

/** Node pools: a label every Karpenter NodePool puts on its nodes, and the taint of tainted pools. */
export const NODE_POOL = {
  key: "tenantctl.io/node-pool",
  general: "general",
  database: "database",
  compute: "compute",
  memory: "memory",
  gpu: "gpu",
  zone: (zone: string) => dnsLabel("zone", zone),
  tenant: (tenant: string) => dnsLabel("tenant", tenant),
} as const;

/** A NodePool's (and its EC2NodeClass's) object name: the pool's label value, prefixed with the platform. */
export function nodePoolName(platform: string, pool: string): string {
  return dnsLabel(platform, pool);
}

/** Where the Argo CD objects live, and the project that owns the platform's own objects. */
export const ARGOCD = {
  namespace: "argocd",
  inCluster: "https://kubernetes.default.svc",
  controllerServiceAccount: "system:serviceaccount:argocd:argocd-application-controller",
} as const;

/** A tenant's Argo CD project and applications (its stack; its baseline belongs to the platform). */
export function tenantProject(tenant: string): string {
  return `tenant-${tenant}`;
}
export function tenantApplication(tenant: string): string {
  return `tenant-${tenant}`;
}
/** `baseline-<t>`, not `tenant-<t>-platform`: that is also the stack of a tenant named `<t>-platform`. */
export function tenantBaselineApplication(tenant: string): string {
  return `baseline-${tenant}`;
}
export function zoneApplication(zone: string): string {
  return `zone-${zone}`;
}
export function clusterApplication(cluster: string): string {
  return `cluster-${cluster}`;
}

/**
 * Names that are global in the cluster (or in Argo CD's namespace) carry the platform's name,
 * so two platforms on one cluster never share, adopt or prune each other's objects.
 */
export function platformProject(platform: string): string {
  return dnsLabel(platform, "platform");
}
export function baselineProject(platform: string): string {
  return dnsLabel(platform, "tenant-baselines");
}
export function applicationSetName(
  platform: string,
  what: "tenant-baselines" | "zone-services" | `tenant-${string}`,
): string {
  return dnsLabel(platform, what);
}

/** Namespace labels that admission policies read: the node pool of the tenant's workloads and of its database. */
export const NAMESPACE_POOL_LABEL = "tenantctl.io/node-pool";
export const NAMESPACE_DATABASE_POOL_LABEL = "tenantctl.io/database-pool";
/** The further pools (node classes) a tenant's components may use, joined by "." (pool names have no dots). */
export const NAMESPACE_CLASS_POOLS_LABEL = "tenantctl.io/class-pools";

/** IAM roles the cluster layer refers to; they are created in AWS with these names (docs/bootstrap.md). */
export function zoneSecretsRole(cluster: string, zone: string): string {
  return iamName(cluster, zone, "secrets");
}
export function karpenterNodeRole(cluster: string): string {
  return iamName("KarpenterNodeRole", cluster);
}
export function roleArn(accountId: string, role: string): string {
  return `arn:aws:iam::${accountId}:role/${role}`;
}

/** Karpenter's controller role, and the SQS queue of interruption events it reads (named like the cluster). */
export function karpenterControllerRole(cluster: string): string {
  return iamName(cluster, "karpenter");
}
/** The tag on the subnets and the node security group that EC2NodeClasses select (value: the cluster). */
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";
export function karpenterInterruptionQueue(cluster: string): string {
  return cluster;
}

/** The add-ons that call AWS: each runs as a service account named like its chart, bound to its own role. */
export const AWS_IDENTITY_ADDONS: readonly AddonName[] = [
  "karpenter",
  "externalSecrets",
  "externalDns",
  "certManager",
  "awsLoadBalancerController",
];
export function addonServiceAccount(addon: AddonName): string {
  return PINNED.addons[addon].chart;
}

/** The role an add-on's controller runs with (EKS Pod Identity on its service account). */
export function addonRole(cluster: string, chart: string): string {
  return iamName(cluster, chart);
}

/**
 * The role a CloudNativePG server writes its backups with: a tenant's own server, or a zone's
 * shared one. "tenant"/"zone" keep a tenant named like a zone apart from it.
 */
export function tenantBackupRole(cluster: string, tenant: string): string {
  return iamName(cluster, "tenant", tenant, "backup");
}
export function zoneBackupRole(cluster: string, zone: string): string {
  return iamName(cluster, "zone", zone, "backup");
}

/** The role an application's CI pipeline assumes to push its product's images. */
export function ciRole(cluster: string, product: string): string {
  return iamName(cluster, "ci", product);
}

/** The KMS key of a zone (its secrets, its RDS storage), by alias: tenant stacks name it, not import it. */
export function zoneKeyAlias(cluster: string, zone: string): string {
  return `alias/${cluster}/${zone}`;
}

/** An RDS instance identifier: at most 63 characters, a letter first, no double hyphen. */
export function rdsInstanceId(cluster: string, tenant: string): string {
  return dnsLabel(cluster, tenant);
}

export function dbSubnetGroupName(cluster: string): string {
  return dnsLabel(cluster, "databases");
}

/** The security group of a tenant's pods that may reach its RDS instance, and the instance's own. */
export function podSecurityGroupName(cluster: string, tenant: string): string {
  return iamName(cluster, tenant, "pods");
}
export function databaseSecurityGroupName(cluster: string, tenant: string): string {
  return iamName(cluster, tenant, "rds");
}

/** The service account External Secrets uses for a zone's store. */
export function zoneSecretsServiceAccount(zone: string): string {
  return dnsLabel("secrets", zone);
}

/**
 * The directory of the cluster layer inside the output directory: clusters/<name> for a
 * spec with one cluster; <root>/cluster beside the cluster's tenants and zones for one of
 * several (the root Application reads its directory recursively: it must hold no tenant).
 */
export function clusterDirectory(cluster: string, treeRoot = ""): string {
  return treeRoot === "" ? `clusters/${cluster}` : `${treeRoot}/cluster`;
}

/** A directory of a cluster's tree inside the output directory. */
export function inTree(treeRoot: string, directory: string): string {
  return treeRoot === "" ? directory : `${treeRoot}/${directory}`;
}

/** The path of a tenant's rendered objects inside the output directory. */
export function tenantDirectory(tenant: string): string {
  return `tenants/${tenant}`;
}

/** The path of a zone's shared objects inside the output directory. */
export function zoneDirectory(zone: string): string {
  return `zones/${zone}`;
}

/** A rendered object's file name: `<kind>-<name>.yaml`, lower case. */
export function objectFileName(kind: string, name: string): string {
  return `${kind.toLowerCase()}-${name}.yaml`;
}
