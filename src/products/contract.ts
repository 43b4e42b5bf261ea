/**
 * The product contract: what a product declares so that the generic layers (the model's
 * footprint and node pools, namespace, quota, network policies, RBAC, scheduling, Argo CD,
 * verify, the local runtime) run it without knowing it. n8n is one implementation
 * (src/products/n8n/); the catalogue (catalogue.ts) lists them.
 *
 * A product has two halves. Its declaration (workloads and their resources, the data services
 * it needs, its ports and its own secrets) is data the Model is resolved from, so it imports
 * nothing but settings types. Its builders (Kubernetes objects, environment, local processes)
 * read the resolved Model, like every other layer to the Model's right.
 */
import type { EffectiveResources, EffectiveSettings } from "../model/defaults.js";
import type { KubernetesObject } from "../manifest/object.js";
import type { Model, TenantModel } from "../model/resolve.js";

/** A set of identical pods of a product. */
export interface WorkloadDeclaration {
  /** Its `app.kubernetes.io/component` label and the suffix of its Deployment. */
  readonly component: string;
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
 * The data services a product's pods are clients of. Where each one runs (a server per
 * tenant, a zone's shared server, RDS) is the tenant's isolation setting, not the product's.
 */
export type DataServiceKind = "database" | "queue";

/** A secret the product itself needs (beside the data services' credentials). */
export interface ProductSecret {
  readonly purpose: string;
  readonly name: string;
  readonly key: string;
  /** The item under the tenant's path in AWS Secrets Manager (`<zone>/<tenant>/<item>`). */
  readonly item: string;
  /** Losing it loses data (an encryption key): never pruned or regenerated. */
  readonly dataBearing: boolean;
}

export interface ProductDeclaration {
  /** Its label value, its service account, its GitOps directory `tenants/<t>/<name>/`. */
  readonly name: string;
  readonly httpPort: number;
  workloads(settings: EffectiveSettings): readonly WorkloadDeclaration[];
  dataServices(settings: EffectiveSettings): readonly DataServiceKind[];
  readonly secrets: readonly ProductSecret[];
}

/** The builders of a product: its objects in the tenant's stack, after the data services. */
export interface ProductStack {
  /** Its workloads, services and disruption budgets (sync wave `app`). */
  renderWorkloads(model: Model, tenant: TenantModel): readonly KubernetesObject[];
  /** Autoscaling, ingress and monitoring (sync wave `scaling`). */
  renderScaling(model: Model, tenant: TenantModel): readonly KubernetesObject[];
}

/**
 * The environment contract shared by every product's builder (ARCHITECTURE invariant 1): a
 * secret is always a reference, never a value. The renderer turns references into
 * `secretKeyRef`s, the local runtime reads them from its 0600 state files.
 */
export interface SecretRef {
  readonly secret: string;
  readonly key: string;
}
export type EnvValue = { readonly value: string } | { readonly secretRef: SecretRef };
export interface EnvVar {
  readonly name: string;
  readonly from: EnvValue;
}
