/**
 * `tenantctl up`, `status`, `down` as library functions. `up` prepares everything (n8n from
 * npm once, PostgreSQL data directories, Redis configs, secrets), hands the plan to a detached
 * supervisor and waits until every process is ready, reporting progress. Running it again with
 * the same spec changes nothing.
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { resolve as resolvePath } from "node:path";
import { failure } from "../../diagnostics/diagnostic.js";
import { closest } from "../../input/suggest.js";
import { type Model, schemaVersion, type TenantModel } from "../../model/resolve.js";
import { notLocal } from "../../products/local.js";
import { N8N_PRODUCT } from "../../products/n8n/declaration.js";
import { nodeRequiredFor } from "../../products/n8n/release.js";
import { compareVersions, PINNED } from "../../versions.js";
import { buildLocalLayout, type LocalLayout, type LocalTenant } from "./local-plan.js";
import { ensureN8n } from "./n8n-install.js";
import { ensureNode } from "./node-install.js";
import { logFileName, type Plan, type ServiceStatus, type Status } from "./plan.js";
import { backupTenant, listBackups } from "./backup.js";
import { initPostgres, reachableByPostgres } from "./postgres.js";
import { checkPrerequisites, postgresBinDir } from "./prerequisites.js";
import { ensurePythonEnvironment } from "./python-env.js";
import { writeRabbitmqNode } from "./rabbitmq.js";
import { writeAclFile, writeRedisConfig } from "./redis.js";
import { runtimeScript } from "./scripts.js";
import { StateDir } from "./state.js";
import { extends_, planHash } from "./supervisor.js";

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

/** The data servers of a plan and their provisioning jobs, without the products' processes. */
function dataPlan(plan: Plan): Plan {
  return {
    ...plan,
    services: plan.services.filter((s) => s.kind !== "app" && s.kind !== "sidecar"),
    routers: [],
  };
}

/** Runs a plan under a new supervisor (stopping the one running) until every process is ready. */
async function runPlan(
  state: StateDir,
  plan: Plan,
  timeoutMs: number,
  progress: (line: string) => void,
  extend = false,
): Promise<Status> {
  // The stages of an upgrade only add to the one before (their data services' files written
  // once, before the first): the running supervisor takes the rest, and nothing restarts. Any
  // other change restarts, since a shared server's files may have changed under it.
  const running = readStatus(state);
  const current = state.readJson<Plan | undefined>("plan.json", undefined);
  if (
    extend &&
    running &&
    alive(running.supervisorPid) &&
    current &&
    planHash(current) === running.planHash &&
    extends_(current, plan)
  ) {
    state.writeJson("plan.json", plan);
    process.kill(running.supervisorPid, "SIGHUP");
    progress(`adding ${plan.services.length - current.services.length} processes to the running supervisor`);
    return waitUntilReady(state, planHash(plan), running.supervisorPid, timeoutMs, progress);
  }
  await stopSupervisor(state);
  state.writeJson("plan.json", plan);
  const supervisor = startSupervisor(state, state.root);
  progress(`supervisor started (pid ${supervisor.pid}); waiting for ${plan.services.length} processes`);
  return waitUntilReady(state, planHash(plan), supervisor.pid, timeoutMs, progress);
}

/** A tenant whose database schema moves to another release with this `up`. */
export interface ReleaseChange {
  readonly tenant: TenantModel;
  readonly key: string;
  /** Undefined for data from before releases were recorded. */
  readonly from: string | undefined;
  readonly to: string;
  /** What it ran before, whole (the pre-upgrade backup records it). */
  readonly before: Readonly<Record<string, string>>;
}

/** What each tenant's data was last run with here (its product's release), recorded once its processes were ready. */
const RELEASES = "releases.json";

export function recordedRelease(state: StateDir, tenant: string): Record<string, string> | undefined {
  return state.readJson<Record<string, Record<string, string>>>(RELEASES, {})[tenant];
}

export function recordRelease(
  state: StateDir,
  tenant: string,
  release: Readonly<Record<string, string>>,
): void {
  state.writeJson(RELEASES, { ...state.readJson(RELEASES, {}), [tenant]: release });
}

function recordReleases(state: StateDir, tenants: readonly TenantModel[]): void {
  const all = state.readJson<Record<string, Record<string, string>>>(RELEASES, {});
  for (const t of tenants) all[t.name] = Object.fromEntries(t.product.release);
  state.writeJson(RELEASES, all);
}

/**
 * The tenants whose schema release differs from what their data last ran with here. A lower one
 * is refused before anything stops: the product cannot read data a newer release migrated, and
 * only a backup from before the upgrade goes back.
 */
function releaseChanges(state: StateDir, tenants: readonly TenantModel[]): ReleaseChange[] {
  const changes: ReleaseChange[] = [];
  for (const tenant of tenants) {
    const schema = schemaVersion(tenant);
    if (schema === undefined) continue;
    const before = recordedRelease(state, tenant.name);
    const from = before?.[schema.key];
    if (from === schema.version) continue;
    if (from === undefined) {
      // Data from before releases were recorded here (its migrator ran, nothing says on what):
      // treated as an upgrade, so that it is backed up and migrated with the migrator alone.
      if (ranHere(state, tenant))
        changes.push({ tenant, key: schema.key, from: undefined, to: schema.version, before: {} });
      continue;
    }
    if (compareVersions(schema.version, from) < 0) {
      const backup = listBackups(state, tenant.name)
        .filter((b) => b.release[schema.key] === schema.version)
        .at(-1);
      throw failure(
        "up/downgrade",
        `${tenant.name}'s data was migrated by ${schema.key} ${from}; the spec says ${schema.version}, which cannot read it`,
        backup === undefined
          ? `keep ${schema.key} ${from} (or later); going back needs a backup taken on ${schema.version}, and there is none here`
          : `keep ${schema.key} ${from}, or go back to the backup taken before the upgrade: tenantctl restore <spec> ${tenant.name} --from ${backup.id} (the data since is kept as a backup of its own)`,
      );
    }
    changes.push({ tenant, key: schema.key, from, to: schema.version, before: before ?? {} });
  }
  return changes;
}

/**
 * The local twin of an upgrade in the cluster: every process stops (no old worker meets a
 * migrated schema), the data services start alone, each upgraded tenant's database is backed
 * up, then its migrator (n8n's main) runs alone on the new release until ready (its migrations
 * done); the caller then starts everything.
 */
async function upgradeInOrder(
  state: StateDir,
  plan: Plan,
  changes: readonly ReleaseChange[],
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<void> {
  for (const c of changes)
    progress(
      `upgrading ${c.tenant.name}: ${c.key} ${c.from ?? "(not recorded)"} → ${c.to} (backup, then ${migratorOf(c.tenant) ?? "its processes"} alone until ready, then the rest)`,
    );
  await runPlan(state, dataPlan(plan), timeoutMs, progress);
  for (const c of changes) {
    const backup = await backupTenant(
      state,
      c.tenant,
      `before ${c.key} ${c.to}`,
      new Map(Object.entries(c.before)),
    );
    progress(
      `  ${c.tenant.name}: backup ${backup.id} (${mebibytes(backup.bytes)}) in ${backup.seconds.toFixed(1)} s`,
    );
  }
  const upgrading = new Set(changes.map((c) => c.tenant.name));
  const migrating: Plan = {
    ...plan,
    services: plan.services.filter((s) => {
      if (s.tenant === undefined || !upgrading.has(s.tenant) || (s.kind !== "app" && s.kind !== "sidecar"))
        return true;
      const migrator = migratorOf(changes.find((c) => c.tenant.name === s.tenant)?.tenant);
      return migrator === undefined || s.name.split(":")[2] === migrator;
    }),
  };
  progress("starting the migrators alone on the new release");
  await runPlan(state, migrating, timeoutMs, progress, true);
  for (const c of changes) recordRelease(state, c.tenant.name, Object.fromEntries(c.tenant.product.release));
}

/** Whether the tenant's migrator ran in this state directory before (it has a log). */
function ranHere(state: StateDir, tenant: TenantModel): boolean {
  const migrator = tenant.product.migrator;
  return (
    migrator !== undefined &&
    existsSync(state.path("logs", logFileName(`${tenant.product.name}:${tenant.name}:${migrator}`)))
  );
}

function migratorOf(tenant: TenantModel | undefined): string | undefined {
  return tenant === undefined ? undefined : tenant.product.migrator;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
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
function stateRoot(stateDir: string): string {
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

/** The supervisor, detached: it outlives this command and runs the plan until `down`. */
function startSupervisor(state: StateDir, root: string): { pid: number | undefined } {
  state.ensure("logs");
  const out = openSync(state.path("logs", "supervisor.log"), "a", 0o600);
  const child = spawn(process.execPath, [runtimeScript("supervisor-main"), root], {
    detached: true,
    stdio: ["ignore", out, out],
  });
  child.unref();
  return { pid: child.pid };
}

/** Follows the supervisor's status file, reporting each process's changes, until all are ready or one failed. */
async function waitUntilReady(
  state: StateDir,
  hash: string,
  supervisorPid: number | undefined,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  for (;;) {
    const status = readStatus(state);
    if (status && status.planHash === hash) {
      for (const [name, s] of Object.entries(status.services)) {
        if (seen.get(name) !== s.state) {
          seen.set(name, s.state);
          if (s.state !== "waiting") progress(`  ${name}: ${s.state}${s.lastExit ? ` (${s.lastExit})` : ""}`);
        }
      }
      const failed = Object.entries(status.services).filter(([, s]) => s.state === "failed");
      if (failed.length > 0) {
        throw failure(
          "up/process-failed",
          `${failed.map(([n, s]) => `${n} (${s.lastExit ?? "failed"})`).join(", ")} did not start`,
          `read its log: tenantctl logs <tenant> (or ${state.path("logs")}); then tenantctl up again`,
        );
      }
      const states = Object.values(status.services);
      if (states.length > 0 && states.every((s) => s.state === "ready" || s.state === "done")) return status;
    }
    if (!alive(supervisorPid) && !(status && status.planHash === hash && alive(status.supervisorPid))) {
      const log = readFileSync(state.path("logs", "supervisor.log"), "utf8")
        .trim()
        .split("\n")
        .slice(-10)
        .join("\n");
      throw failure(
        "up/supervisor-died",
        `the supervisor exited:\n${log}`,
        "this is a bug in tenantctl; please report it with this output",
      );
    }
    if (Date.now() > deadline) {
      throw failure(
        "up/timeout",
        `not every process was ready within ${Math.round(timeoutMs / 1000)} s`,
        "check tenantctl status and tenantctl logs <tenant>",
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function readStatus(state: StateDir): Status | undefined {
  return state.readJson<Status | undefined>("status.json", undefined);
}

export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the supervisor and with it every process; the data stays. */
export async function stopSupervisor(state: StateDir): Promise<boolean> {
  const status = readStatus(state);
  if (!status || !alive(status.supervisorPid)) return false;
  process.kill(status.supervisorPid, "SIGTERM");
  for (let i = 0; i < 600 && alive(status.supervisorPid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(status.supervisorPid)) process.kill(status.supervisorPid, "SIGKILL");
  return true;
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
