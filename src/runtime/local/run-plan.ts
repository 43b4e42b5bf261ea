/**
 * Running a plan under the detached supervisor: start it (or hand an extension to the running
 * one), follow its status file until every process is ready or one failed, stop it. What `up`,
 * an upgrade's stages, restores and drills are made of.
 */
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { failure } from "../../diagnostics/diagnostic.js";
import { logFileName, type Plan, type Status } from "./plan.js";
import { runtimeScript } from "./scripts.js";
import type { StateDir } from "./state.js";
import { extends_, planHash } from "./supervisor.js";

/** The data servers of a plan and their provisioning jobs, without the products' processes. */
export function dataPlan(plan: Plan): Plan {
  return {
    ...plan,
    services: plan.services.filter((s) => s.kind !== "app" && s.kind !== "sidecar"),
    routers: [],
    sleepers: [],
  };
}

/** Runs a plan under a new supervisor (stopping the one running) until every process is ready. */
export async function runPlan(
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
  const everReady = new Set<string>();
  const plan = state.readJson<Plan | undefined>("plan.json", undefined);
  const isApp = (name: string) => plan?.services.find((s) => s.name === name)?.kind === "app";
  for (;;) {
    const status = readStatus(state);
    if (status && status.planHash === hash) {
      for (const [name, s] of Object.entries(status.services)) {
        if (seen.get(name) !== s.state) {
          seen.set(name, s.state);
          if (s.state !== "waiting") progress(`  ${name}: ${s.state}${s.lastExit ? ` (${s.lastExit})` : ""}`);
        }
      }
      // A process that keeps ending before it was ever ready is not going to start: said now, not at the timeout.
      const looping = Object.entries(status.services).filter(
        ([name, s]) =>
          s.state === "restarting" && s.restarts >= CRASH_LOOP && !everReady.has(name) && isApp(name),
      );
      for (const [name, s] of Object.entries(status.services)) if (s.state === "ready") everReady.add(name);
      const failed = [...Object.entries(status.services).filter(([, s]) => s.state === "failed"), ...looping];
      if (failed.length > 0) {
        throw failure(
          "up/process-failed",
          `${failed.map(([n, s]) => `${n} (${s.lastExit ?? "failed"}${s.restarts > 0 ? `, ${s.restarts} restarts` : ""})`).join(", ")} did not start${lastLines(state, failed[0]?.[0])}`,
          `read its log: tenantctl logs <tenant> (or ${state.path("logs")}); then tenantctl up again`,
        );
      }
      const states = Object.values(status.services);
      if (states.length > 0 && states.every((s) => ["ready", "done", "asleep"].includes(s.state)))
        return status;
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

/** Restarts of a process never ready that make it a failure. */
const CRASH_LOOP = 3;

/** The last error-looking lines of a service's log, to say why it did not start. */
function lastLines(state: StateDir, service: string | undefined): string {
  if (service === undefined) return "";
  try {
    const lines = readFileSync(state.path("logs", logFileName(service)), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("tenantctl:") && !/^\s+at /.test(l));
    return `; its log ends:\n    ${lines.slice(-3).join("\n    ")}`;
  } catch {
    return "";
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

/** The tenants the running supervisor runs (a restore starts them again), or none. */
export function runningTenants(state: StateDir): string[] {
  const status = readStatus(state);
  if (status === undefined || !alive(status.supervisorPid)) return [];
  const plan = state.readJson<Plan | undefined>("plan.json", undefined);
  return [...new Set((plan?.services ?? []).flatMap((s) => (s.tenant === undefined ? [] : [s.tenant])))];
}
