/** What the local commands (up, status, logs, down, doctor) share: the state directory and the runtime, loaded only where used. */
import { failure } from "../diagnostics/diagnostic.js";
import type { Status } from "../runtime/local/plan.js";
import { StateDir } from "../runtime/local/state.js";
import { table } from "./table.js";

export const DEFAULT_STATE_DIR = ".tenantctl";

/** The local runtime (PostgreSQL driver and all), loaded only by the commands that run it. */
export const localRuntime = () => import("../runtime/local/up.js");

export async function statusOrFail(stateDir: string): Promise<Status> {
  const { readStatus } = await localRuntime();
  const status = readStatus(new StateDir(stateDir));
  if (!status)
    throw failure(
      "usage/not-up",
      `nothing was started with state directory ${stateDir}`,
      "run tenantctl up <spec> first, or pass --state-dir",
    );
  return status;
}

export function tenantTable(status: Status, tenants: readonly { name: string; url: string }[]): string {
  const rows = tenants.map((t) => {
    const processes = Object.entries(status.services).filter(([name]) => name.split(":")[1] === t.name);
    const ready = processes.filter(([, s]) => s.state === "ready").length;
    return [t.name, t.url, `${ready}/${processes.length} ready`];
  });
  return `${table(["tenant", "front door", "processes"], rows)}\n${processTable(status)}`;
}

/** What to do next, printed last so that it is what the user sees: the editors, then the commands. */
export function nextSteps(
  tenants: readonly { name: string; url: string; hint?: string }[],
  stateDir: string,
): string {
  const width = Math.max(0, ...tenants.map((t) => t.name.length));
  return [
    "next:",
    ...tenants.map(
      (t) => `  ${t.name.padEnd(width)}  ${t.url}${t.hint === undefined ? "" : `  (${t.hint})`}`,
    ),
    `  tenantctl status --state-dir ${stateDir}         every process and its state`,
    `  tenantctl logs <tenant> --state-dir ${stateDir}  a tenant's logs (--process worker-1 for one process)`,
    `  tenantctl down --state-dir ${stateDir}           stop everything; data is kept`,
    "",
  ].join("\n");
}

export function processTable(status: Status): string {
  return table(
    ["process", "state", "pid", "restarts", "last exit"],
    Object.entries(status.services).map(([name, s]) => [
      name,
      s.state,
      String(s.pid ?? ""),
      String(s.restarts),
      s.lastExit ?? "",
    ]),
  );
}
