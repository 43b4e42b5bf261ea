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

/** Where the tenant's database and Redis are, as the product's processes see them. */
export type DatabaseTls =
  | { readonly mode: "off" }
  | { readonly mode: "verify"; readonly ca: SecretRef }
  | { readonly mode: "unverified" };

export interface DataConnections {
  readonly database: {
    readonly host: EnvValue;
    readonly port: EnvValue;
    readonly name: EnvValue;
    readonly user: EnvValue;
    readonly password: SecretRef;
    /**
     * TLS to PostgreSQL: verified against the server's CA (a PEM in a secret) where the
     * tenant can hold the CA, encrypted only where it cannot, off on loopback.
     */
    readonly tls: DatabaseTls;
  };
  readonly redis: {
    readonly host: string;
    readonly port: number;
    /** Set for an ACL user on a shared Redis. */
    readonly username?: SecretRef;
    readonly password: SecretRef;
  };
}

/** When a local process counts as started. */
export type Readiness =
  | { readonly type: "tcp"; readonly port: number }
  /** 2xx; with `json`, also a JSON body (not an HTML page a server may answer any path with early on). */
  | { readonly type: "http"; readonly url: string; readonly json?: boolean }
  | { readonly type: "exit" };

/** One process of a product on this machine (`tenantctl up`). */
export interface LocalProcess {
  /** Unique within the tenant: `main`, `worker-1`; the supervisor names it `<prefix>:<tenant>:<name>`. */
  readonly name: string;
  /** The product's own processes, or a sidecar of one of them (started after it, stopped before it). */
  readonly role: "app" | "sidecar";
  /** The service-name prefix: the product's name for its app processes, the sidecar's kind otherwise. */
  readonly prefix: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly ready: Readiness;
  /** Other processes of the same tenant (by name) that must be ready first. */
  readonly after: readonly string[];
  /** For a task runner: the broker it connects to, and its token. */
  readonly broker?: { readonly port: number; readonly authToken: string };
}

/** What the local runtime hands a product to plan a tenant's processes. */
export interface LocalContext {
  readonly tenant: TenantModel;
  /** The tenant's front door on this machine (its router). */
  readonly publicPort: number;
  /** Where the tenant's database and Redis run on this machine (secrets as references). */
  readonly connections: DataConnections;
  /** The Node.js that runs JavaScript processes, and tenantctl's cache (installed releases). */
  readonly node: string;
  readonly cache: string;
  /** A port of this machine for a named purpose, stable across runs. */
  port(purpose: string): Promise<number>;
  /** A directory in the state directory for a process (created). */
  directory(...parts: string[]): string;
  /** Environment values with every secret reference resolved from the state directory. */
  resolve(vars: readonly EnvVar[]): Record<string, string>;
  /** A secret value of the tenant (the state directory's 0600 file). */
  secret(key: string): string;
  /** The references the connections and the product's own secrets use locally. */
  readonly secretRef: (key: string) => SecretRef;
}

/** A product on one machine: its processes and where the router sends requests. */
export interface ProductLocal {
  /** Keys of the tenant's local secrets beside the data services' (`dbPassword`, `redisPassword`). */
  readonly secretKeys: readonly string[];
  plan(context: LocalContext): Promise<{
    readonly processes: readonly LocalProcess[];
    /** The router's targets: the main port, and where `/webhook/` goes if elsewhere. */
    readonly routes: { readonly main: number; readonly webhook: number | undefined };
  }>;
}
