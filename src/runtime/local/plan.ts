/**
 * What the supervisor runs: a list of services, each a process (or a one-off job) with its
 * command, environment, readiness check, dependencies and restart policy. `up` computes the
 * plan from the model; the supervisor only executes it. The plan holds secret values (the
 * processes' environment), so it lives in the 0600 state directory, never in a log.
 */
import type { LocalRoute, Readiness } from "../../products/contract/builders.js";

export interface ServiceSpec {
  readonly name: string;
  readonly tenant: string | undefined;
  /** Data servers and their provisioning jobs, a product's processes (app), their sidecars. */
  readonly kind: "postgres" | "redis" | "epmd" | "rabbitmq" | "provision" | "app" | "sidecar";
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  readonly uid?: number;
  readonly gid?: number;
  readonly ready: Readiness;
  readonly dependsOn: readonly string[];
  /** Restarted with back-off when it exits (jobs are not). */
  readonly restart: boolean;
  /** Signal that stops it cleanly. */
  readonly stopSignal: "SIGTERM" | "SIGINT";
  /** For a runner: the task broker it connects to, and its auth token. */
  readonly broker?: { readonly port: number; readonly authToken: string };
}

/** A tenant's front door: one port routing like the cluster's Ingress. */
export interface RouterSpec {
  readonly tenant: string;
  readonly port: number;
  readonly routes: readonly LocalRoute[];
  /** What `tenantctl status` asks the front door to tell whether the tenant answers. */
  readonly health: string;
}

/** Where a tenant's front door answers: by its first route's host label when it has one (`api.localhost`). */
export function frontDoorUrl(router: Pick<RouterSpec, "port" | "routes">): string {
  const host = router.routes[0]?.host;
  return `http://${host === undefined ? "127.0.0.1" : `${host}.localhost`}:${router.port}/`;
}

/** How to reach a tenant's database as the tenant. */
export interface DatabaseLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/**
 * A tenant that sleeps: its processes and its own data servers stop (tenantctl hibernate, or
 * idleAfterMs without a request) and its front door holds the next request while they start.
 */
export interface SleeperSpec {
  readonly tenant: string;
  /** Asleep from the start (the spec's hibernation.asleep). */
  readonly asleep: boolean;
  /** Asleep after this long without a request through its front door; undefined: only when told. */
  readonly idleAfterMs: number | undefined;
  /** The product's query whose rows `{ name, why }` keep the tenant awake, and its database. */
  readonly staysAwake?: { readonly query: string; readonly login: DatabaseLogin };
}

export interface Plan {
  readonly platform: string;
  readonly services: readonly ServiceSpec[];
  readonly routers: readonly RouterSpec[];
  readonly sleepers?: readonly SleeperSpec[];
}

export type ServiceState =
  | "waiting"
  | "starting"
  | "ready"
  | "restarting"
  | "failed"
  | "stopped"
  | "done"
  | "asleep";

export interface ServiceStatus {
  readonly pid: number | undefined;
  readonly state: ServiceState;
  readonly restarts: number;
  readonly lastExit: string | undefined;
  readonly since: string;
}

export interface Status {
  readonly supervisorPid: number;
  readonly planHash: string;
  readonly startedAt: string;
  readonly services: Readonly<Record<string, ServiceStatus>>;
  readonly routers: readonly RouterSpec[];
  /** The tenants asleep now. */
  readonly asleep?: readonly string[];
}

/** Where the running supervisor takes hibernate and wake (127.0.0.1, with this bearer token). */
export interface ControlEndpoint {
  readonly port: number;
  readonly token: string;
}

/** The log file of a service in the state directory's logs/. */
export function logFileName(service: string): string {
  return `${service.replaceAll(":", "_")}.log`;
}

/** Whether a service is the tenant's process of that name (`main`), or a sidecar of it (its runner). */
export function ofProcess(service: Pick<ServiceSpec, "name">, process: string): boolean {
  return service.name.split(":")[2] === process;
}

/**
 * How `tenantctl logs --process` names a tenant's service: `main`, `worker-1`, `webhook`,
 * `runner-main`, `postgres`, `redis`, `rabbitmq`, `epmd`.
 */
export function processName(service: ServiceSpec): string {
  const [prefix, , name] = service.name.split(":");
  if (service.kind === "app") return name ?? service.name;
  if (service.kind === "sidecar") return `${prefix ?? ""}-${name ?? ""}`;
  return service.kind;
}
