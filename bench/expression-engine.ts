// One measurement, paired: the same Webhook → Set workflow against one tenant in queue mode
// (1 worker) and then against n8n in its regular single-process mode on the same database,
// with the expression engine and pool the argument names ("vm-1", "vm-2", "vm-4", "legacy").
// The load and its CPU accounting: n8n-load.ts.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { validateSpecText } from "../src/model/load-platform.js";
import { resolve } from "../src/model/resolve.js";
import { buildLocalLayout } from "../src/runtime/local/local-plan.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { N8nClient } from "../test/support/n8n-client.js";
import { loadWebhook, waitReady } from "./n8n-load.js";

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

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-expr-"));
const row: Record<string, string | number> = { setting };
try {
  // (b) queue mode: main, one worker, their runners, Redis, PostgreSQL.
  const queued = await up(model, { stateDir });
  const url = queued.tenants[0]?.url ?? "";
  const client = new N8nClient(url);
  await client.setUpOwner();
  const queue = await loadWebhook(url, client);
  // (a) single-process: the tenant's n8n stopped, its data kept; n8n `start` in regular mode
  // on the same database, with the same environment (engine and pool included).
  await up(model, { stateDir, dataOnly: true });
  const layout = await buildLocalLayout(new StateDir(stateDir), model, [tenant]);
  const main = layout.plan.services.find((s) => s.name === `n8n:${tenant.name}:main`);
  if (main === undefined) throw new Error("no main process in the plan");
  const port = Number(main.env.N8N_PORT);
  const single = spawn(main.command, main.args, {
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
    const alone = await loadWebhook(singleUrl, singleClient);
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
