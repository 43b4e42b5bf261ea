// One measurement, paired: the same Webhook → Set workflow against one tenant in queue mode
// (1 worker) and then against n8n in its regular single-process mode on the same database,
// with the expression engine and pool the argument names ("vm-1", "vm-2", "vm-4", "legacy").
// The load and its CPU accounting: n8n-load.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { N8nClient } from "../test/support/n8n-client.js";
import { loadWebhook, oneTenantModel, startSingleProcess } from "./n8n-load.js";

const setting = process.argv[2] ?? "vm-1";
const [engine = "vm", pool] = setting.split("-");
const expressions = engine === "legacy" ? "{ engine: legacy }" : `{ engine: vm, poolSize: ${pool ?? 1} }`;
const model = oneTenantModel(
  "benchexpr",
  `{ webhook: { enabled: false }, workers: { min: 1, max: 1 }, expressions: ${expressions} }`,
);
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
  // (a) single-process n8n on the same data and environment (engine and pool included).
  const single = await startSingleProcess(stateDir, model);
  try {
    const alone = await loadWebhook(single.url, single.client);
    row["single-process exec/s"] = alone.perSecond.toFixed(1);
    row["queue (1 worker) exec/s"] = queue.perSecond.toFixed(1);
    row["queue ÷ single"] = (queue.perSecond / Math.max(0.1, alone.perSecond)).toFixed(2);
    row["CPU ms/exec single"] = alone.cpuMsPerExecution.toFixed(1);
    row["CPU ms/exec queue"] = queue.cpuMsPerExecution.toFixed(1);
  } finally {
    single.child.kill("SIGTERM");
  }
} finally {
  await stopSupervisor(new StateDir(stateDir));
  rmSync(stateDir, { recursive: true, force: true });
}
row.cores = cpus().length;
row["n8n"] = tenant.settings.n8n.version;
console.log(JSON.stringify(row));
