/**
 * `tenantctl up`, `status`, `down` as library functions. `up` prepares everything (n8n from
 * npm once, PostgreSQL data directories, Redis configs, secrets), hands the plan to a detached
 * supervisor and waits until every process is ready, reporting progress. Running it again with
 * the same spec changes nothing.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { failure } from "../../diagnostics/diagnostic.js";
import { closest } from "../../input/suggest.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { notLocal } from "../../products/local.js";
import { N8N_PRODUCT } from "../../products/n8n/declaration.js";
import { nodeRequiredFor } from "../../products/n8n/release.js";
import { compareVersions, PINNED } from "../../versions.js";
import { buildLocalLayout, type LocalLayout, type LocalTenant } from "./local-plan.js";
import { ensureN8n } from "./n8n-install.js";
import { ensureNode } from "./node-install.js";
import type { ServiceStatus, Status } from "./plan.js";
import { initPostgres, reachableByPostgres } from "./postgres.js";
import { checkPrerequisites, postgresBinDir } from "./prerequisites.js";
import { ensurePythonEnvironment } from "./python-env.js";
import { writeRabbitmqNode } from "./rabbitmq.js";
import { writeAclFile, writeRedisConfig } from "./redis.js";
import { StateDir } from "./state.js";
import { planHash } from "./supervisor.js";
import { recordReleases, releaseChanges, upgradeInOrder } from "./releases.js";
import { alive, dataPlan, readStatus, runPlan, stopSupervisor } from "./run-plan.js";

export interface UpOptions {
  readonly stateDir: string;
  readonly tenants?: readonly string[];
  /** The spec file's directory: what components' local paths are relative to. */
  readonly specDirectory?: string;
  /** Start the data services only (PostgreSQL, Redis, RabbitMQ), not the products. */
  readonly dataOnly?: boolean;
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export interface UpReport {
  readonly alreadyUp: boolean;
  readonly tenants: readonly LocalTenant[];
  readonly status: Status;
  readonly seconds: number;
}

export function selectTenants(model: Model, names: readonly string[] | undefined): TenantModel[] {
  if (names === undefined || names.length === 0) return [...model.tenants];
  const unknown = names.filter((n) => !model.tenants.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw failure(
      "usage/unknown-tenant",
      `${unknown.map((n) => JSON.stringify(n)).join(", ")} ${unknown.length === 1 ? "is not a tenant" : "are not tenants"} of this platform; it has ${model.tenants.map((t) => t.name).join(", ")}`,
      suggestionFor(unknown, model) ?? "name tenants from the spec (--tenants: separated by commas)",
    );
  }
  return model.tenants.filter((t) => names.includes(t.name));
}

/** One tenant of the model by name; unknown, the same clear error as selectTenants. */
export function selectTenant(model: Model, name: string): TenantModel {
  const [tenant] = selectTenants(model, [name]);
  if (tenant === undefined) throw new Error(`no tenant ${name}`);
  return tenant;
}

function suggestionFor(unknown: readonly string[], model: Model): string | undefined {
  const [first] = unknown;
  const near =
    first === undefined
      ? undefined
      : closest(
          first,
          model.tenants.map((t) => t.name),
        );
  return near === undefined ? undefined : `did you mean ${near}?`;
}

/** The tenants whose product runs on one machine; the others are named, once, with the reason. */
function localTenants(tenants: readonly TenantModel[], progress: (line: string) => void): TenantModel[] {
  const local = tenants.filter((t) => notLocal(t) === undefined);
  const skipped = tenants.flatMap((t) => {
    const reason = notLocal(t);
    return reason === undefined ? [] : [`${t.name} (${reason})`];
  });
  if (skipped.length > 0 && local.length === 0) {
    throw failure(
      "up/no-local-tenants",
      `no tenant can run on this machine: ${skipped.join("; ")}`,
      "give each component of the product a local: { command } (README: tenantctl up, other products' components), or pass other tenants with --tenants; in the cluster they run from their images (tenantctl render / apply)",
    );
  }
  if (skipped.length > 0) progress(`leaving out ${skipped.join("; ")}: they run in the cluster only`);
  return local;
}

export async function up(model: Model, options: UpOptions): Promise<UpReport> {
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const tenants = localTenants(selectTenants(model, options.tenants), progress);
  await prepareMachine(tenants, options.dataOnly ?? false, progress);
  const root = stateRoot(options.stateDir);
  const state = new StateDir(root);
  const layout = await buildLocalLayout(state, model, tenants, {
    specDirectory: resolvePath(options.specDirectory ?? "."),
    pythonEnvironment: (file) => ensurePythonEnvironment(file, progress),
  });
  const plan = options.dataOnly ? dataPlan(layout.plan) : layout.plan;
  const hash = planHash(plan);
  const report = (status: Status, alreadyUp: boolean): UpReport => ({
    alreadyUp,
    tenants: layout.tenants,
    status,
    seconds: (performance.now() - started) / 1000,
  });
  const upgrades = options.dataOnly ? [] : releaseChanges(state, tenants);
  const running = readStatus(state);
  if (running && alive(running.supervisorPid)) {
    if (running.planHash === hash && upgrades.length === 0) {
      progress("already up; nothing changed");
      return report(running, true);
    }
    progress("the plan changed: restarting the processes (data is kept)");
    await stopSupervisor(state);
  }
  writeDataServices(state, layout, progress);
  const timeoutMs = options.timeoutMs ?? 300_000;
  if (upgrades.length > 0) await upgradeInOrder(state, layout.plan, upgrades, timeoutMs, progress);
  const status = await runPlan(state, plan, timeoutMs, progress, upgrades.length > 0);
  if (!options.dataOnly) recordReleases(state, tenants);
  return report(status, false);
}

/** PostgreSQL and Redis from the OS, and the n8n releases the tenants run (installed once into the cache). */
async function prepareMachine(
  tenants: readonly TenantModel[],
  dataOnly: boolean,
  progress: (line: string) => void,
): Promise<void> {
  const versions = dataOnly
    ? []
    : tenants.filter((t) => t.product.name === N8N_PRODUCT).map((t) => t.settings.n8n.version);
  // What up installs itself (n8n releases, the Node.js of n8n 2.x) is not missing.
  const rabbitmq = tenants.some((t) => t.product.dataServices.includes("rabbitmq"));
  const missing = checkPrerequisites(versions, rabbitmq).filter(
    (c) => !c.ok && !c.name.startsWith("n8n ") && !c.name.startsWith("Node.js for n8n"),
  );
  if (missing.length > 0) {
    throw failure(
      "up/prerequisites",
      `missing: ${missing.map((c) => `${c.name} (${c.found})`).join("; ")}`,
      missing.map((c) => c.fix).join("; then "),
    );
  }
  if (versions.some((v) => compareVersions(process.versions.node, nodeRequiredFor(v)) < 0)) {
    await ensureNode(PINNED.nodeForN8n2, progress);
  }
  for (const version of [...new Set(versions)]) await ensureN8n(version, progress);
}

/**
 * The state directory, created traversable (not readable) by others: PostgreSQL runs as the
 * postgres user and must reach its data directory inside; secrets and logs below stay owner-only.
 */
export function stateRoot(stateDir: string): string {
  const root = resolvePath(stateDir);
  mkdirSync(root, { recursive: true });
  chmodSync(root, 0o711);
  if (!reachableByPostgres(root)) {
    throw failure(
      "up/state-dir",
      `the state directory ${root} is not reachable by the postgres user (PostgreSQL refuses to run as root, so it runs as postgres)`,
      "pass --state-dir under a directory others may traverse, such as /var/tmp or the project directory",
    );
  }
  return root;
}

/**
 * Each PostgreSQL initialised with its grants to provision; each Redis with its config (and ACL
 * file); each RabbitMQ node with its config, definitions and cookie.
 */
function writeDataServices(state: StateDir, layout: LocalLayout, progress: (line: string) => void): void {
  const pgBin = postgresBinDir() ?? "";
  for (const { instance, grants } of layout.postgres) {
    progress(`preparing PostgreSQL ${instance.name} on 127.0.0.1:${instance.port}`);
    initPostgres(pgBin, instance);
    state.writeJson(`postgres/${instance.name}/provision.json`, { instance, grants });
  }
  for (const r of layout.redis) {
    const dir = state.ensure("redis", r.name);
    const aclFile = r.acl === undefined ? undefined : state.path("redis", r.name, "users.acl");
    if (aclFile && r.acl) writeAclFile(aclFile, r.acl);
    writeRedisConfig(state.path("redis", r.name, "redis.conf"), {
      port: r.port,
      dir,
      ...(r.password === undefined ? {} : { password: r.password }),
      ...(aclFile === undefined ? {} : { aclFile }),
    });
  }
  if (layout.rabbitmq.length > 0) chmodSync(state.ensure("rabbitmq"), 0o711);
  for (const node of layout.rabbitmq) {
    progress(
      `preparing RabbitMQ ${node.name} on 127.0.0.1:${node.ports.amqp} (management ${node.ports.management})`,
    );
    mkdirSync(node.dir, { recursive: true, mode: 0o700 });
    writeRabbitmqNode(node);
  }
}

/** What `down --purge` deletes: every file of the state directory, by top-level entry with sizes. */
export function purgeList(stateDir: string): { path: string; bytes: number }[] {
  const root = resolvePath(stateDir);
  if (!existsSync(root)) return [];
  return readdirSync(root).map((entry) => ({ path: `${root}/${entry}`, bytes: size(`${root}/${entry}`) }));
}

export function purge(stateDir: string): void {
  rmSync(resolvePath(stateDir), { recursive: true, force: true });
}

function size(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, entry) => sum + size(`${path}/${entry}`), 0);
}

export type { ServiceStatus };
// What the commands and tests reach through up.js: the supervisor's status and stop, the recorded releases.
export { alive, readStatus, stopSupervisor } from "./run-plan.js";
export { recordedRelease, recordRelease } from "./releases.js";
