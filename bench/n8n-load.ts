// The load every n8n throughput figure uses: a Webhook → Set workflow, autocannon with 16
// connections for 15 s after a 3 s warm-up; CPU per execution from the machine's busy time
// (/proc/stat) less the load generator's own; and where that CPU went, per process.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { validateSpecText } from "../src/model/load-platform.js";
import { type Model, resolve } from "../src/model/resolve.js";
import { StateDir } from "../src/runtime/local/state.js";
import { readStatus } from "../src/runtime/local/up.js";
import { N8nClient, postWebhook } from "../test/support/n8n-client.js";
import { startRegularN8n } from "../test/support/regular-n8n.js";
import { type ProcessTable, processTable, processTree } from "./process-memory.js";

export interface Load {
  readonly perSecond: number;
  readonly cpuMsPerExecution: number;
  /** CPU ms per execution of each named process (with its descendants). */
  readonly byProcess: Record<string, number>;
}

const HZ = 100;

function busyJiffies(): number {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
  return fields.reduce((n, v, i) => (i === 3 || i === 4 ? n : n + v), 0);
}

/** The CPU ticks of a process tree in one reading of /proc. */
function treeJiffies(table: ProcessTable, root: number): number {
  return processTree(table, root).reduce((n, pid) => n + (table.get(pid)?.jiffies ?? 0), 0);
}

/** A process to attribute CPU to: with its descendants, or (`own`) alone. */
export type Attributed = number | { readonly pid: number; readonly own: true };

/**
 * The pid of every running process `up` supervises, by its name, and the supervisor itself
 * (its own CPU only: the front door's proxying; the rest of its tree are the services).
 */
export function supervisedPids(state: StateDir): Record<string, Attributed> {
  const status = readStatus(state);
  const pids: Record<string, Attributed> = {};
  if (status !== undefined) pids["supervisor (front door)"] = { pid: status.supervisorPid, own: true };
  for (const [name, s] of Object.entries(status?.services ?? {})) if (s.pid !== undefined) pids[name] = s.pid;
  return pids;
}

/** Creates the workflow, warms up, then loads it; CPU is attributed to the named processes' trees. */
export async function loadWebhook(
  url: string,
  client: N8nClient,
  processes: Record<string, Attributed> = {},
): Promise<Load> {
  const path = `bench-${Date.now()}`;
  await client.webhookWorkflow(path);
  await postWebhook(`${url}webhook/${path}`, "registered?");
  const run = (duration: number) =>
    autocannon({
      url: `${url}webhook/${path}`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: "bench" }),
      connections: 16,
      duration,
    });
  await run(3);
  const before = processTable();
  const busy0 = busyJiffies();
  const own0 = process.cpuUsage();
  const result = await run(15);
  const ownMs = (process.cpuUsage(own0).user + process.cpuUsage(own0).system) / 1000;
  const busyMs = ((busyJiffies() - busy0) * 1000) / HZ;
  const after = processTable();
  if (result.non2xx > 0 || result.errors > 0)
    console.error(`non-2xx ${result.non2xx}, errors ${result.errors}`);
  const executions = Math.max(1, result.requests.total);
  const byProcess: Record<string, number> = {};
  for (const [name, p] of Object.entries(processes)) {
    const jiffies =
      typeof p === "number"
        ? treeJiffies(after, p) - treeJiffies(before, p)
        : (after.get(p.pid)?.jiffies ?? 0) - (before.get(p.pid)?.jiffies ?? 0);
    byProcess[name] = (jiffies * 1000) / HZ / executions;
  }
  return { perSecond: result.requests.average, cpuMsPerExecution: (busyMs - ownMs) / executions, byProcess };
}

/**
 * n8n in its regular single-process mode beside a tenant `up` ran: the tenant's n8n stopped,
 * its data kept (`up --data-only`), then `n8n start` with EXECUTIONS_MODE=regular on the same
 * database, on the same Node.js, with main's environment; ready and logged in as the owner.
 */
export async function startSingleProcess(
  stateDir: string,
  model: Model,
): Promise<{ url: string; client: N8nClient; child: ChildProcess }> {
  const { url, child } = await startRegularN8n(stateDir, model);
  try {
    const client = new N8nClient(url);
    await client.login();
    return { url, client, child };
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
}

/** A platform of one n8n tenant, `t0`, whose `n8n:` mapping is the given flow-style YAML. */
export function oneTenantModel(name: string, n8n: string): Model {
  const text = `apiVersion: tenantctl/v1alpha1
kind: Platform
metadata: { name: ${name} }
cluster: { name: ${name}, region: eu-central-1, domain: n8n.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }
gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }
zones:
  internal: { customerData: false }
tenants:
  - name: t0
    zone: internal
    n8n: ${n8n}
`;
  const parsed = validateSpecText(text, "bench.yaml");
  if (!parsed.spec) throw new Error(`invalid bench spec: ${JSON.stringify(parsed.diagnostics[0])}`);
  return resolve(parsed.spec);
}
