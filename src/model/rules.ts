import { own } from "../lib/own.js";
import { closest } from "../input/suggest.js";
import { oneOf, quote } from "../diagnostics/path.js";
import type { EffectiveSettings } from "./defaults.js";
import {
  effectiveProductName,
  effectiveSettings,
  sourceOf,
  tenantHostname,
  tenantProduct,
} from "./settings.js";
import { productNames } from "../products/catalogue.js";
import { routeHostname } from "./names.js";
import type { ProductDeclaration } from "../products/contract/declaration.js";
import { checkServiceProduct } from "../products/service/checks.js";
import { type Amounts, effectiveQuota, footprint } from "./footprint.js";
import type { Located } from "../input/issues.js";
import { bytes, formatBytes, formatMillicores, millicores } from "../input/quantity.js";
import type { Platform } from "../input/schema.js";
import { hasUrlCredentials } from "../lib/url-credentials.js";
import { cidrContains } from "../input/formats.js";
import { checkUpgradeWaves } from "./upgrade-waves.js";
import { problem } from "./problem.js";
import { checkHibernation } from "./hibernation.js";
import { checkOffboarded } from "./offboarding.js";
import { checkAlertReceivers } from "./observability.js";

/**
 * The rules that a schema cannot express: relations between tenants, zones and quotas.
 * They run on a spec that passed the schema, and report every problem they find.
 */
export function checkRules(spec: Platform): Located[] {
  const out: Located[] = [];
  const settings = spec.tenants.map((_, i) => effectiveSettings(spec, i));
  checkUniqueNames(spec, out);
  checkZones(spec, out);
  for (const [name, product] of Object.entries(spec.products))
    out.push(...checkServiceProduct(name, product));
  const known = checkProducts(spec, out);
  checkHostnames(spec, out);
  checkIngress(spec, out);
  checkGitopsUrl(spec, out);
  checkVpcAgainstCustomerData(spec, out);
  checkUpgradeWaves(spec, out);
  checkOffboarded(spec, out);
  spec.tenants.forEach((_, i) => {
    const s = settings[i] as EffectiveSettings;
    checkSharedDataServices(spec, i, s, out);
    checkRdsNeedsExternalSecrets(spec, i, s, out);
    checkExpressionEngine(spec, i, s, out);
    checkReservedLabels(spec, i, s, out);
    checkImages(spec, i, out);
    checkSystemSubjects(spec, i, s, out);
    checkDatabaseRestore(spec, i, s, out);
    checkHibernation(spec, i, s, out);
    checkAlertReceivers(spec, i, s, out);
    const product = known[i];
    if (product === undefined) return;
    const refused = checkProduct(spec, i, s, product, out);
    checkNodeClasses(spec, i, s, product, out);
    checkGeneratedSecretsReach(spec, i, s, product, out);
    // A product that refuses a pooler at all has said the one thing worth saying about it.
    if (!refused.has("database.pooler")) checkPooler(spec, i, s, out);
    checkQuota(spec, i, s, product, out);
  });
  return out;
}

const RESERVED_LABEL_PREFIXES = ["tenantctl.io/", "kubernetes.io/", "k8s.io/", "pod-security.kubernetes.io/"];
const RESERVED_LABEL_KEYS = ["app.kubernetes.io/managed-by"];

function checkUniqueNames(spec: Platform, out: Located[]): void {
  const firstIndex = new Map<string, number>();
  spec.tenants.forEach((tenant, i) => {
    const first = firstIndex.get(tenant.name);
    if (first === undefined) {
      firstIndex.set(tenant.name, i);
      return;
    }
    out.push(
      problem(
        "spec/duplicate-tenant",
        ["tenants", i, "name"],
        `tenants[${i}].name: ${quote(tenant.name)} is already the name of tenants[${first}]; tenant names must be unique`,
        "rename one of the two tenants (a tenant's name becomes its namespace and secret paths)",
      ),
    );
  });
}

/**
 * Tenants in a zone that is not declared. Also run on a spec the schema refused (from the
 * document as written, where zones and tenants are readable), so that a zone typo is named
 * in the same round as the schema's errors, not only once they are fixed.
 */
export function unknownZones(zonesValue: unknown, tenantsValue: unknown): Located[] {
  if (typeof zonesValue !== "object" || zonesValue === null || !Array.isArray(tenantsValue)) return [];
  const zones = Object.keys(zonesValue);
  if (zones.length === 0) return [];
  const out: Located[] = [];
  tenantsValue.forEach((tenant: unknown, i) => {
    const zone = (tenant as { zone?: unknown } | null)?.zone;
    if (typeof zone !== "string" || own(zonesValue as Record<string, unknown>, zone) !== undefined) return;
    const suggestion = closest(zone, zones);
    out.push(
      problem(
        "spec/unknown-zone",
        ["tenants", i, "zone"],
        `tenants[${i}].zone: ${quote(zone)} is not a zone of this platform; expected ${oneOf(zones)}`,
        suggestion === undefined
          ? `use one of the zones declared under \`zones:\`, or declare ${quote(zone)} there`
          : `did you mean ${quote(suggestion)}? Or declare ${quote(zone)} under \`zones:\``,
      ),
    );
  });
  return out;
}

/** A tenant's images name components of the product it runs (on a cluster, with that cluster's overrides). */
function checkImages(spec: Platform, i: number, out: Located[]): void {
  const tenant = spec.tenants[i];
  if (tenant?.images === undefined) return;
  const product = effectiveProductName(spec, i);
  const components = Object.keys(own(spec.products, product)?.components ?? {});
  for (const name of Object.keys(tenant.images)) {
    if (components.includes(name)) continue;
    const suggestion = closest(name, components);
    out.push(
      problem(
        "spec/unknown-component",
        ["tenants", i, "images", name],
        components.length === 0
          ? `tenants[${i}].images: ${quote(tenant.name)} runs ${product}, which has no components to set images of`
          : `tenants[${i}].images: ${quote(name)} is not a component of ${product}; expected ${oneOf(components)}`,
        product === "n8n"
          ? "an n8n tenant's image follows n8n.version: set that instead"
          : suggestion === undefined
            ? `name a component of products.${product}`
            : `did you mean ${quote(suggestion)}?`,
      ),
    );
  }
}

function checkZones(spec: Platform, out: Located[]): void {
  out.push(...unknownZones(spec.zones, spec.tenants));
  for (const [name, zone] of Object.entries(spec.zones)) {
    if (!zone.customerData && zone.customerDataCidrs.length > 0) {
      out.push(
        problem(
          "spec/customer-data-cidrs-in-internal-zone",
          ["zones", name, "customerDataCidrs"],
          `zones.${name}.customerDataCidrs: set on a zone with customerData: false`,
          "list customer-data networks on the zone that holds customer data; to keep this zone away from them, use denyEgressTo",
        ),
      );
    }
  }
}

function checkHostnames(spec: Platform, out: Located[]): void {
  const owner = new Map<string, number>();
  const names = new Set<string>();
  spec.tenants.forEach((tenant, i) => {
    // A duplicate name is reported once, as a duplicate, not again as its default hostname.
    if (names.has(tenant.name) && tenant.hostname === undefined) return;
    names.add(tenant.name);
    const hostname = tenantHostname(spec, i);
    const path = tenant.hostname === undefined ? ["tenants", i, "name"] : ["tenants", i, "hostname"];
    if (hostname.length > 253) {
      out.push(
        problem(
          "spec/hostname-too-long",
          path,
          `tenants[${i}]: the hostname ${quote(hostname)} has ${hostname.length} characters; at most 253 are allowed`,
          "set a shorter `hostname:` for this tenant",
        ),
      );
    }
    // A product's routes add hosts under the tenant's hostname: they must not be another tenant's.
    const product = own(spec.products, effectiveProductName(spec, i));
    const routeHosts = Object.values(product?.components ?? {}).flatMap((c) =>
      (c.routes ?? []).flatMap((r) => (r.host === undefined ? [] : [routeHostname(hostname, r.host)])),
    );
    for (const host of [hostname, ...new Set(routeHosts)]) {
      const first = owner.get(host);
      if (first === undefined) {
        owner.set(host, i);
        continue;
      }
      if (first === i) continue;
      out.push(
        problem(
          "spec/hostname-collision",
          path,
          `tenants[${i}]: the hostname ${quote(host)} is already used by tenants[${first}] (${spec.tenants[first]?.name ?? ""})`,
          host === hostname
            ? "give one of the tenants its own `hostname:`"
            : "give one of the tenants another `hostname:`, or the route another host label",
        ),
      );
    }
  });
}

function checkSharedDataServices(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  const zoneName = spec.tenants[i]?.zone ?? "";
  const zone = own(spec.zones, zoneName);
  if (!zone?.customerData || zone.allowSharedDataServices) return;
  const shared: [string[], string, string][] = [
    [["database", "isolation"], s.database.isolation, "database"],
    [["redis", "isolation"], s.redis.isolation, "acl"],
    [["rabbitmq", "isolation"], s.rabbitmq.isolation, "vhost"],
  ];
  for (const [field, value, weak] of shared) {
    if (value !== weak) continue;
    const path = sourceOf(spec, i, field);
    out.push(
      problem(
        "spec/shared-data-service-in-customer-zone",
        path,
        `tenants[${i}].${field.join(".")}: ${quote(value)} shares a ${field[0]} server between tenants of zone ${quote(zoneName)}, which holds customer data`,
        `use ${field[0] === "database" ? '"cluster" or "rds"' : '"instance"'} (a server per tenant), or set zones.${zoneName}.allowSharedDataServices: true to accept the weaker isolation`,
      ),
    );
  }
}

/**
 * Expressions are tenant-written code. With the `legacy` engine they run inside n8n's own
 * process, which holds the tenant's decrypted credentials and customer data while it executes;
 * with `vm` they run in isolates. Allowed (it is faster), but said where customer data is.
 */
function checkExpressionEngine(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  const zoneName = spec.tenants[i]?.zone ?? "";
  if (s.n8n.expressions.engine !== "legacy" || !own(spec.zones, zoneName)?.customerData) return;
  out.push(
    problem(
      "spec/legacy-expression-engine-with-customer-data",
      sourceOf(spec, i, ["n8n", "expressions", "engine"]),
      `tenants[${i}].n8n.expressions.engine: "legacy" runs the tenant's expressions inside n8n's own process, next to the credentials and customer data of zone ${quote(zoneName)}, with no isolate between them`,
      'keep engine "vm" (raise n8n.expressions.poolSize for throughput), or accept the weaker isolation knowingly',
      "warning",
    ),
  );
}

/** An RDS endpoint and its credentials exist only in AWS: they cannot be generated in the cluster. */
function checkRdsNeedsExternalSecrets(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  if (s.database.isolation !== "rds" || spec.secrets.provider === "external-secrets") return;
  out.push(
    problem(
      "spec/rds-needs-external-secrets",
      sourceOf(spec, i, ["database", "isolation"]),
      `tenants[${i}].database.isolation: "rds" needs secrets.provider "external-secrets"; with "generated" nothing can bring the RDS endpoint and credentials into the cluster`,
      'set secrets.provider: external-secrets, or use database.isolation: "cluster"',
    ),
  );
}

/**
 * With generated secrets, `apply` writes the tenants' own credentials; what only the user has
 * (a component's secretEnv values) or what a zone's copy needs (a vhost user) cannot come in.
 */
function checkGeneratedSecretsReach(
  spec: Platform,
  i: number,
  s: EffectiveSettings,
  product: ProductDeclaration,
  out: Located[],
): void {
  if (spec.secrets.provider === "external-secrets") return;
  if (s.rabbitmq.isolation === "vhost" && product.dataServices(s).includes("rabbitmq")) {
    out.push(
      problem(
        "spec/rabbitmq-vhost-needs-external-secrets",
        sourceOf(spec, i, ["rabbitmq", "isolation"]),
        `tenants[${i}].rabbitmq.isolation: "vhost" needs secrets.provider "external-secrets"; the zone's User object and the tenant read one secret from AWS Secrets Manager`,
        'set secrets.provider: external-secrets, or use rabbitmq.isolation: "instance"',
      ),
    );
  }
  if (product.secrets.some((secret) => secret.source === "external")) {
    out.push(
      problem(
        "spec/secret-env-needs-external-secrets",
        sourceOf(spec, i, ["product"]),
        `tenants[${i}]: product ${quote(product.name)} reads secretEnv values, which only AWS Secrets Manager holds; secrets.provider "generated" cannot bring them in`,
        "set secrets.provider: external-secrets",
      ),
    );
  }
}

/** PgBouncer sits in front of a server of the tenant's own (a product may refuse it outright: its own check). */
function checkPooler(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  if (s.database.pooler === undefined || s.database.isolation === "cluster") return;
  out.push(
    problem(
      "spec/pooler-needs-own-server",
      sourceOf(spec, i, ["database", "pooler"]),
      `tenants[${i}].database.pooler: a pooler runs in front of a PostgreSQL server of the tenant's own; database.isolation is ${quote(s.database.isolation)}`,
      'use database.isolation: "cluster", or remove database.pooler',
    ),
  );
}

/** The repository URL is copied into every Argo CD object: a password in it would be in Git. */
function checkGitopsUrl(spec: Platform, out: Located[]): void {
  if (!hasUrlCredentials(spec.gitops.repoURL)) return;
  out.push(
    problem(
      "spec/credentials-in-url",
      ["gitops", "repoURL"],
      "gitops.repoURL: holds a user name and password; it would be written into every rendered Argo CD object and so into Git",
      "remove the credentials from the URL and give them to Argo CD as a repository Secret (argocd repo add, or a Secret labelled argocd.argoproj.io/secret-type: repository)",
    ),
  );
}

/**
 * The VPC is a source every tenant's load balancer traffic comes from, and a destination
 * RDS lives in: a customer-data network inside it would be reachable as "the VPC".
 */
function checkVpcAgainstCustomerData(spec: Platform, out: Located[]): void {
  for (const [name, zone] of Object.entries(spec.zones)) {
    zone.customerDataCidrs.forEach((cidr, i) => {
      if (!cidrContains(spec.cluster.vpcCidr, cidr) && !cidrContains(cidr, spec.cluster.vpcCidr)) return;
      out.push(
        problem(
          "spec/vpc-overlaps-customer-data",
          ["zones", name, "customerDataCidrs", i],
          `zones.${name}.customerDataCidrs[${i}]: ${quote(cidr)} overlaps the cluster VPC ${quote(spec.cluster.vpcCidr)}; policies that allow the VPC would reach customer data`,
          "keep customer-data networks outside cluster.vpcCidr (peer or route to them instead), or correct the CIDR",
        ),
      );
    });
  }
}

function checkIngress(spec: Platform, out: Located[]): void {
  const { className, tls, clusterIssuer } = spec.ingress;
  if (tls !== "cert-manager") return;
  if (className === "alb") {
    out.push(
      problem(
        "spec/cert-manager-with-alb",
        ["ingress", "tls"],
        'ingress.tls: "cert-manager" cannot serve an ALB: the AWS load balancer only presents ACM certificates',
        'use tls: "acm" with className "alb", or an in-cluster ingress controller class with cert-manager',
      ),
    );
  }
  if (clusterIssuer === undefined) {
    out.push(
      problem(
        "spec/missing-field",
        ["ingress"],
        'ingress.clusterIssuer: is required with tls: "cert-manager"',
        "name the cert-manager ClusterIssuer that signs the tenants' certificates",
      ),
    );
  }
}

/** The product's own checks, reported where the setting was made. */
/** Each tenant's product, or undefined (and spec/unknown-product) when it names none the spec declares. */
function checkProducts(spec: Platform, out: Located[]): (ProductDeclaration | undefined)[] {
  const names = productNames(spec);
  return spec.tenants.map((_, i) => {
    const product = tenantProduct(spec, i);
    if (product !== undefined) return product;
    const name = effectiveProductName(spec, i);
    const guess = closest(name, names);
    out.push(
      problem(
        "spec/unknown-product",
        sourceOf(spec, i, ["product"]),
        `tenants[${i}].product: ${quote(name)} is not a product of this platform; expected ${oneOf(names)}`,
        guess === undefined
          ? "declare it under products:, or choose one that is"
          : `did you mean ${quote(guess)}?`,
      ),
    );
    return undefined;
  });
}

/**
 * A dedicated tenant's or a dedicated-nodes zone's pods stay on their own pool: a component
 * asking for another node class would leave it (or get nothing: no such class pool there).
 */
function checkNodeClasses(
  spec: Platform,
  i: number,
  s: EffectiveSettings,
  product: ProductDeclaration,
  out: Located[],
): void {
  const zoneName = spec.tenants[i]?.zone ?? "";
  const ownPool =
    s.tier === "dedicated"
      ? "the tenant's dedicated pool"
      : own(spec.zones, zoneName)?.dedicatedNodes
        ? `zone ${quote(zoneName)}'s own nodes`
        : undefined;
  if (ownPool === undefined) return;
  for (const w of product.workloads(s).filter((w) => w.nodeClass !== "general")) {
    out.push(
      problem(
        "spec/node-class-outside-own-pool",
        ["products", product.name, "components", w.component, "nodeClass"],
        `products.${product.name}.components.${w.component}.nodeClass: ${quote(w.nodeClass)} would take tenants[${i}] (${spec.tenants[i]?.name ?? ""}) off ${ownPool}`,
        `run tenants[${i}] on the shared tier in a zone without dedicatedNodes, or give the component nodeClass "general"`,
      ),
    );
  }
}

function checkProduct(
  spec: Platform,
  i: number,
  s: EffectiveSettings,
  product: ProductDeclaration,
  out: Located[],
): Set<string> {
  const problems = product.check(s);
  for (const p of problems) {
    out.push(problem(p.code, sourceOf(spec, i, p.field), `tenants[${i}].${p.subject}: ${p.message}`, p.hint));
  }
  return new Set(problems.map((p) => p.field.join(".")));
}

/** A restore is one tenant's, of a server of its own: CloudNativePG bootstraps a new one from its backups. */
function checkDatabaseRestore(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  if (s.database.restore === undefined) return;
  if (i === 0 && spec.defaults?.database?.restore !== undefined)
    out.push(
      problem(
        "spec/restore-in-defaults",
        ["defaults", "database", "restore"],
        "defaults.database.restore: a restore is one tenant's, not every tenant's",
        "move it to the tenant whose database is restored (tenantctl restore --in-cluster writes it there)",
      ),
    );
  if (s.database.isolation !== "cluster")
    out.push(
      problem(
        "spec/restore-needs-own-server",
        sourceOf(spec, i, ["database", "restore"]),
        `tenants[${i}].database.restore: ${s.database.isolation} isolation; a restore bootstraps a CloudNativePG server of the tenant's own (isolation cluster)`,
        s.database.isolation === "rds"
          ? "restore an RDS tenant from its snapshots or point in time with the AWS layer (README: upgrades, backups and restores)"
          : "a database on the zone's server is restored with that server (point in time); give the tenant isolation cluster to restore it alone",
      ),
    );
}

function checkReservedLabels(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  for (const key of Object.keys(s.labels)) {
    if (!RESERVED_LABEL_KEYS.includes(key) && !RESERVED_LABEL_PREFIXES.some((p) => key.startsWith(p)))
      continue;
    out.push(
      problem(
        "spec/reserved-label",
        sourceOf(spec, i, ["labels", key]),
        `tenants[${i}].labels: ${quote(key)} is a label that tenantctl or Kubernetes owns`,
        "choose a label key outside tenantctl.io/, kubernetes.io/ and k8s.io/",
      ),
    );
  }
}

/**
 * Kubernetes' built-in identities (system:authenticated, system:serviceaccounts, …) stand
 * for many users at once: naming one as a tenant's admins or viewers would grant every
 * authenticated user, or every workload of the cluster, the tenant's rights.
 */
function checkSystemSubjects(spec: Platform, i: number, s: EffectiveSettings, out: Located[]): void {
  for (const field of ["admins", "viewers"] as const) {
    s[field].forEach((group, g) => {
      if (!group.startsWith("system:")) return;
      const path = sourceOf(spec, i, [field]);
      out.push(
        problem(
          "spec/system-subject",
          [...path, g],
          `tenants[${i}].${field}: ${quote(group)} is a Kubernetes system identity; binding it would grant the tenant's rights to everyone it stands for`,
          "name the identity-provider groups of this tenant's people; system: groups are never allowed",
        ),
      );
    });
  }
}

/**
 * Quotas smaller than what the tenant's own workloads request at their minimum replica
 * counts are errors (the tenant could not even start); room too small for the maximum is a
 * warning (autoscaling would stop at the quota).
 */
function checkQuota(
  spec: Platform,
  i: number,
  s: EffectiveSettings,
  product: ProductDeclaration,
  out: Located[],
): void {
  const quota = effectiveQuota(s);
  const need = footprint(s, product);
  const limits: [keyof Amounts, string, number, (n: number) => string, string[]][] = [
    ["requestsCpu", "cpu requests", millicores(quota.requestsCpu), formatMillicores, ["quota", "cpu"]],
    ["requestsMemory", "memory requests", bytes(quota.requestsMemory), formatBytes, ["quota", "memory"]],
    ["limitsCpu", "cpu limits", millicores(quota.limitsCpu), formatMillicores, ["quota", "limits", "cpu"]],
    ["limitsMemory", "memory limits", bytes(quota.limitsMemory), formatBytes, ["quota", "limits", "memory"]],
    ["pods", "pods", quota.pods, String, ["quota", "pods"]],
  ];
  for (const [key, what, allowed, show, field] of limits) {
    const path = sourceOf(spec, i, field);
    if (need.atMin[key] > allowed) {
      out.push(
        problem(
          "spec/quota-below-requests",
          path,
          `tenants[${i}].${field.join(".")}: ${show(allowed)} is less than the ${show(need.atMin[key])} of ${what} that the tenant's own workloads need at their minimum replicas`,
          `raise ${field.join(".")} to at least ${show(need.atMin[key])}, or lower the ${product.name}/database resources or replicas`,
        ),
      );
    } else if (need.atMax[key] > allowed) {
      out.push(
        problem(
          "spec/quota-below-autoscaling-max",
          path,
          `tenants[${i}].${field.join(".")}: ${show(allowed)} of ${what} leaves no room for the maximum replicas, which need ${show(need.atMax[key])}`,
          `raise ${field.join(".")} to ${show(need.atMax[key])} or lower ${product.maxReplicaSettings.join(" / ")}; until then autoscaling stops at the quota`,
          "warning",
        ),
      );
    }
  }
  const storage = bytes(quota.storage);
  if (need.storage > storage) {
    out.push(
      problem(
        "spec/quota-below-requests",
        sourceOf(spec, i, ["quota", "storage"]),
        `tenants[${i}].quota.storage: ${formatBytes(storage)} is less than the ${formatBytes(need.storage)} that the tenant's database (and RabbitMQ) volumes need`,
        `raise quota.storage to at least ${formatBytes(need.storage)} or lower database.storage (or rabbitmq.storage)`,
      ),
    );
  }
  if (need.persistentVolumeClaims > quota.persistentVolumeClaims) {
    out.push(
      problem(
        "spec/quota-below-requests",
        sourceOf(spec, i, ["quota", "persistentVolumeClaims"]),
        `tenants[${i}].quota.persistentVolumeClaims: ${quota.persistentVolumeClaims} is less than the ${need.persistentVolumeClaims} volumes of the tenant's database (and RabbitMQ)`,
        `raise quota.persistentVolumeClaims to at least ${need.persistentVolumeClaims}`,
      ),
    );
  }
}
