/**
 * The product contract: what a product declares so that the generic layers (the model's
 * footprint and node pools, namespace, quota, network policies, RBAC, scheduling, Argo CD,
 * verify, the local runtime) run it without knowing it. n8n is one implementation
 * (src/products/n8n/); the catalogue (src/products/catalogue.ts) lists them.
 *
 * This half is the declaration (workloads with their resources and reach, the data services
 * the product needs, its own secrets, its HTTP port): data the Model is resolved from, so it
 * imports nothing but settings types. builders.ts is the other half (Kubernetes objects and
 * local processes, which read the resolved Model); environment.ts the references both use.
 */
import type { EffectiveResources, EffectiveSettings } from "../../model/defaults.js";
import type { NodeClass } from "../../input/schema.js";

/** A set of identical pods of a product. */
export interface WorkloadDeclaration {
  /** Its `app.kubernetes.io/component` label and the suffix of its Deployment. */
  readonly component: string;
  /** The port its container names `http` (what routes, callers and metrics reach), if it serves one. */
  readonly port: number | undefined;
  /** The only connections its network policies allow out, beside DNS and the internet. */
  readonly talksTo: {
    /** Other workloads of the same product (on their `port`). */
    readonly workloads: readonly string[];
    readonly dataServices: readonly DataServiceKind[];
  };
  /** Which node pool class its pods run on (a dedicated tenant's pool or a zone's own pool wins). */
  readonly nodeClass: NodeClass;
  readonly min: number;
  readonly max: number;
  /** One entry per container of a pod (sidecars included), for quota and footprint. */
  readonly containers: readonly EffectiveResources[];
  /** Served behind the tenant's hostname: the load balancer may reach it on the HTTP port. */
  readonly public: boolean;
  /** May reach the public internet (never private ranges nor the zone's denied networks). */
  readonly internet: boolean;
  /** Scraped by Prometheus on the product's HTTP port. */
  readonly metrics: boolean;
}

/**
 * The data services a product's pods are clients of: PostgreSQL, Redis, RabbitMQ. Where each
 * one runs (a server per tenant, a zone's shared server, RDS) is the tenant's isolation
 * setting, not the product's.
 */
export type DataServiceKind = "database" | "redis" | "rabbitmq";

export type ProductKind = "n8n" | "service";

/** A secret the product itself needs (beside the data services' credentials). */
export interface ProductSecret {
  readonly purpose: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** random: tenantctl generates it (generated provider, `up`); external: the user puts it in Secrets Manager. */
  readonly source: "random" | "external";
  /** The item under the tenant's path in AWS Secrets Manager (`<zone>/<tenant>/<item>`). */
  readonly item: string;
  /** Losing it loses data (an encryption key): never pruned or regenerated. */
  readonly dataBearing: boolean;
}

/** A setting the product cannot run with, found by its own checks; the model places it in the spec. */
export interface ProductProblem {
  readonly code: string;
  /** The setting's path under a tenant (or `defaults:`), e.g. ["n8n", "workers", "min"]: where it is reported. */
  readonly field: readonly string[];
  /** The setting as the message names it, e.g. "n8n.workers". */
  readonly subject: string;
  /** What is wrong, after `tenants[i].<subject>: `. */
  readonly message: string;
  readonly hint: string;
}

export interface ProductDeclaration {
  /** Its label value, its service account, its GitOps directory `tenants/<t>/<name>/`. */
  readonly name: string;
  /** Which builders render it: n8n's, or the generic service product's. */
  readonly kind: ProductKind;
  readonly httpPort: number;
  workloads(settings: EffectiveSettings): readonly WorkloadDeclaration[];
  /** Every data service some workload talks to. */
  dataServices(settings: EffectiveSettings): readonly DataServiceKind[];
  readonly secrets: readonly ProductSecret[];
  /** The settings that bound its scaling out (named in the quota warnings), e.g. "n8n.workers.max". */
  readonly maxReplicaSettings: readonly string[];
  /**
   * What a tenant runs of the product, by spec path (relative to the tenant): what `promote`
   * carries from one cluster to another, and the only images `set-image` may set.
   */
  release(settings: EffectiveSettings): ReadonlyMap<string, string>;
  /**
   * The release setting (a key of release()) that the tenant's database schema follows: the
   * product migrates its data forward when it changes, so a lower value is a downgrade that
   * cannot read the data, and a change is an upgrade (backup first, the migrator alone first).
   */
  readonly schemaRelease?: string;
  /**
   * The setting (spec path relative to the tenant, e.g. n8n.upgradeFrom) that holds the schema
   * release the data is moving from while a change is under way (written by tenantctl upgrade):
   * the cluster then backs up, stops all but the migrator, and runs the migrator alone.
   */
  readonly upgradeFromSetting?: string;
  /**
   * The workload (component) that migrates the database on start (n8n's main): on a release
   * change it runs alone on the new release until ready, the others stopped, in the cluster and
   * locally (where the process of that name is it).
   */
  readonly migrator?: string;
  /** What the product cannot run with (beyond the schema), for a tenant's effective settings. */
  check(settings: EffectiveSettings): readonly ProductProblem[];
}
