/**
 * The product contract, second half: a product's builders, which read the resolved Model like
 * every layer to its right: its Kubernetes objects (after the data services the generic layers
 * render) and its processes on one machine.
 */
import type { KubernetesObject } from "../../manifest/object.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import type { DataConnections, EnvVar, SecretRef } from "./environment.js";

/** The builders of a product: its objects in the tenant's stack, after the data services. */
export interface ProductStack {
  /** Its workloads, services and disruption budgets (sync wave `app`). */
  renderWorkloads(model: Model, tenant: TenantModel): readonly KubernetesObject[];
  /** Autoscaling, ingress and how Prometheus scrapes it (sync wave `scaling`). */
  renderScaling(model: Model, tenant: TenantModel): readonly KubernetesObject[];
  /** Its own alerts, beside those every tenant gets (quota, database, backups, certificate). */
  alertRules(model: Model, tenant: TenantModel): readonly AlertRule[];
  /** Its dashboard's rows, each panel a PromQL query of the tenant's namespace. */
  dashboardRows(model: Model, tenant: TenantModel): readonly DashboardRow[];
  /** Metrics its own database server's exporter reads from its data (a tenant's own CloudNativePG server only). */
  databaseMetrics?(tenant: TenantModel): DatabaseMetrics;
}

/** Queries the tenant's PostgreSQL exporter runs on the product's database. */
export interface DatabaseMetrics {
  /** Run once in the new database, as the server's superuser (CloudNativePG's postInitApplicationSQL). */
  readonly setupSql: readonly string[];
  /** CloudNativePG custom queries (postgres_exporter's format): column `c` of query `q` is `cnpg_q_c`. */
  readonly queries: Readonly<Record<string, unknown>>;
}

/** A Prometheus alerting rule of one tenant; the generic layer adds its tenant, zone and namespace labels. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: "warning" | "critical";
  readonly summary: string;
  readonly description: string;
}

/** A row of a tenant's dashboard. */
export interface DashboardRow {
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
}

/** A time series panel: one line per target (`legend` as Grafana's legendFormat). */
export interface DashboardPanel {
  readonly title: string;
  /** Grafana's unit id: "short", "percentunit", "bytes", "s", "reqps", "ops". */
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
  readonly description?: string;
}

/** When a local process counts as started. */
export type Readiness =
  | { readonly type: "tcp"; readonly port: number }
  /** 2xx; with `json`, also a JSON body (not an HTML page a server may answer any path with early on). */
  | { readonly type: "http"; readonly url: string; readonly json?: boolean }
  /** A command that exits 0, run with the process's environment (a Kubernetes exec probe). */
  | { readonly type: "command"; readonly command: readonly string[] }
  /** As soon as it runs (a pod without a readiness probe is ready once its container starts). */
  | { readonly type: "started" }
  | { readonly type: "exit" };

/**
 * A route of the tenant's front door, matched like an Ingress rule: the Host's first label (when
 * set; `api` matches `api.localhost`), then the longest path prefix, whole segments only. Its
 * requests go round-robin to the ports (one per local replica).
 */
export interface LocalRoute {
  readonly host?: string;
  readonly path: string;
  readonly ports: readonly number[];
}

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
  /** The version of that Node.js (a product may need a newer one: it installs its own then). */
  readonly nodeVersion: string;
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
  /** This machine's PATH (a Python environment's bin/ goes before it). */
  readonly systemPath: string;
  /** The directory of the spec file: what a component's local paths are relative to. */
  readonly specDirectory: string;
  /** A virtual environment in tenantctl's cache with these requirements installed (once); its directory. */
  pythonEnvironment(requirementsFile: string): Promise<string>;
}

/** One finding of a product's data probe: what was checked, and what was found. */
export interface DataCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A product on one machine: its processes and where the router sends requests. */
export interface ProductLocal {
  /** Keys of the tenant's local secrets beside the data services' (`dbPassword`, `redisPassword`). */
  readonly secretKeys: readonly string[];
  /** Of those, the keys its data is unreadable without (n8n's encryption key): backups record their fingerprints, restores check them. */
  readonly dataKeys?: readonly string[];
  /** How people know the first of those keys where the product runs elsewhere (n8n: N8N_ENCRYPTION_KEY), for messages. */
  readonly dataKeyLabel?: string;
  /**
   * What a restore drill asks of the product on restored data, run with the environment of its
   * migrator process: that the data is there and readable with the tenant's keys.
   */
  /**
   * The tenant's data keys were replaced (tenantctl import installs the source's): forget what
   * the product keeps of the old ones beside the state's secrets (n8n writes its key into each
   * process's settings file, and refuses to start when it differs from the environment's).
   */
  keysReplaced?(path: (...parts: string[]) => string, tenant: TenantModel): void;
  /**
   * Why data brought in from elsewhere (tenantctl import) cannot be run by the tenant's release,
   * asked of the restored copy before anything of the tenant changes; undefined when it can.
   */
  schemaProblem?(
    query: (sql: string) => Promise<readonly Record<string, unknown>[]>,
    tenant: TenantModel,
    cache: string,
  ): Promise<string | undefined>;
  /**
   * What keeps a tenant from sleeping (tenantctl hibernate, an idle timeout): a query on its
   * database, run as the tenant, whose rows `{ name, why }` name it (n8n: workflows that main
   * runs on a timer or a connection of its own, executions under way). None: it may always sleep.
   */
  staysAwakeQuery?(tenant: TenantModel): string;
  probeData?(process: {
    command: string;
    args: readonly string[];
    env: Readonly<Record<string, string>>;
    cwd: string;
  }): Promise<readonly DataCheck[]>;
  plan(context: LocalContext): Promise<{
    readonly processes: readonly LocalProcess[];
    /** The front door's routes, like the cluster's Ingress. */
    readonly routes: readonly LocalRoute[];
    /** A path of the front door that answers 2xx when the tenant is up. */
    readonly health: string;
    /** What the user does first at the front door, printed beside its URL. */
    readonly hint?: string;
  }>;
}
