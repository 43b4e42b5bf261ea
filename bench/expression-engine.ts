// One measurement, paired: the same Webhook → Set workflow against one tenant in queue mode
// (1 worker) and then against n8n in its regular single-process mode on the same database,
// with the expression engine and pool the argument names ("vm-1", "vm-2", "vm-4", "legacy").
// Throughput from autocannon (16 connections, 15 s after a 3 s warm-up); CPU per execution
// from the machine's busy time (/proc/stat) less the load generator's own.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { validateSpecText } from "../src/model/load-platform.js";
import { resolve } from "../src/model/resolve.js";
import { n8nBin } from "../src/products/n8n/release.js";
import { cacheRoot } from "../src/runtime/local/cache.js";
import { buildLocalLayout } from "../src/runtime/local/local-plan.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { N8nClient } from "../test/support/n8n-client.js";

const setting = process.argv[2] ?? "vm-1";
const [engine = "vm", pool] = setting.split("-");
const expressions = engine === "legacy" ? "{ engine: legacy }" : `{ engine: vm, poolSize: ${pool ?? 1} }`;
const text = `apiVersion: tenantctl/v1alpha1
kind: Platform
metadata: { name: benchexpr }
cluster: { name: benchexpr, region: eu-central-1, domain: n8n.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }
gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }
zones:
  internal: { customerData: false }
tenants:
  - name: t0
    zone: internal
    n8n: { webhook: { enabled: false }, workers: { min: 1, max: 1 }, expressions: ${expressions} }
`;
const parsed = validateSpecText(text, "bench.yaml");
if (!parsed.spec) throw new Error(`invalid bench spec: ${JSON.stringify(parsed.diagnostics[0])}`);
const model = resolve(parsed.spec);
const tenant = model.tenants[0];
if (tenant === undefined) throw new Error("no tenant");

function busyJiffies(): number {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
  return fields.reduce((n, v, i) => (i === 3 || i === 4 ? n : n + v), 0);
}

async function measure(
  url: string,
  client: N8nClient,
): Promise<{ perSecond: number; cpuMsPerExecution: number }> {
  const path = `bench-${Date.now()}`;
  await client.webhookWorkflow(path);
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
  const busy0 = busyJiffies();
  const own0 = process.cpuUsage();
  const result = await run(15);
  const ownMs = (process.cpuUsage(own0).user + process.cpuUsage(own0).system) / 1000;
  const busyMs = ((busyJiffies() - busy0) * 1000) / 100;
  if (result.non2xx > 0 || result.errors > 0)
    console.error(`${setting}: non-2xx ${result.non2xx}, errors ${result.errors}`);
  return {
    perSecond: result.requests.average,
    cpuMsPerExecution: (busyMs - ownMs) / Math.max(1, result.requests.total),
  };
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`${url}rest/settings`);
      if (r.ok && (r.headers.get("content-type") ?? "").includes("json")) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("single-process n8n did not become ready");
}

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-expr-"));
const row: Record<string, string | number> = { setting };
try {
  // (b) queue mode: main, one worker, their runners, Redis, PostgreSQL.
  const queued = await up(model, { stateDir });
  const url = queued.tenants[0]?.url ?? "";
  const client = new N8nClient(url);
  await client.setUpOwner();
  const queue = await measure(url, client);
  // (a) single-process: the tenant's n8n stopped, its data kept; n8n `start` in regular mode
  // on the same database, with the same environment (engine and pool included).
  await up(model, { stateDir, dataOnly: true });
  const layout = await buildLocalLayout(new StateDir(stateDir), model, [tenant]);
  const main = layout.plan.services.find((s) => s.name === `n8n:${tenant.name}:main`);
  if (main === undefined) throw new Error("no main process in the plan");
  const port = Number(main.env.N8N_PORT);
  const single = spawn(process.execPath, [n8nBin(cacheRoot(), tenant.settings.n8n.version), "start"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/",
      ...main.env,
      EXECUTIONS_MODE: "regular",
      WEBHOOK_URL: `http://127.0.0.1:${port}/`,
      N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
    },
    stdio: "ignore",
  });
  try {
    const singleUrl = `http://127.0.0.1:${port}/`;
    await waitReady(singleUrl);
    const singleClient = new N8nClient(singleUrl);
    await singleClient.login();
    const alone = await measure(singleUrl, singleClient);
    row["single-process exec/s"] = alone.perSecond.toFixed(1);
    row["queue (1 worker) exec/s"] = queue.perSecond.toFixed(1);
    row["queue ÷ single"] = (queue.perSecond / Math.max(0.1, alone.perSecond)).toFixed(2);
    row["CPU ms/exec single"] = alone.cpuMsPerExecution.toFixed(1);
    row["CPU ms/exec queue"] = queue.cpuMsPerExecution.toFixed(1);
  } finally {
    single.kill("SIGTERM");
  }
} finally {
  await stopSupervisor(new StateDir(stateDir));
  rmSync(stateDir, { recursive: true, force: true });
}
row.cores = cpus().length;
row["n8n"] = tenant.settings.n8n.version;
console.log(JSON.stringify(row));
