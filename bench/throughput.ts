// One measurement, side by side in one run, for the n8n release and setting the argument names
// (`<version>` or `<version>:<setting>`; settings: default, save-none, no-compile-cache, legacy): the same
// Webhook → Set workflow and the same load (n8n-load.ts) against
//   (b) a tenant in queue mode with 1 worker, (c) the same tenant with 2 workers, as `up` runs
//       it (main, webhook processor, workers and runners, its PostgreSQL and Redis), then
//   (a) n8n in its regular single-process mode on the same PostgreSQL with the same environment.
// Webhooks go to the webhook processor's port (webhookUrl). Prints executions/s, each queue figure ÷ single-process, CPU per execution, and where the
// queue's CPU went (per process, ms per execution).
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { buildLocalLayout } from "../src/runtime/local/local-plan.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { N8nClient } from "../test/support/n8n-client.js";
import { loadWebhook, oneTenantModel, startSingleProcess, supervisedPids } from "./n8n-load.js";

const [version = "2.41.1", setting = "default"] = (process.argv[2] ?? "").split(":");
const SETTINGS: Record<string, string> = {
  default: "",
  "save-none": ", executions: { saveSuccessful: none }",
  "no-compile-cache": ", expressions: { compileCache: false }",
  legacy: ", expressions: { engine: legacy }",
};
if (SETTINGS[setting] === undefined) throw new Error(`unknown setting ${setting}`);
const spec = (workers: number) =>
  oneTenantModel(
    "benchtp",
    `{ version: "${version}", workers: { min: ${workers}, max: 5 }${SETTINGS[setting]} }`,
  );

/**
 * The webhook processor's own port: production webhooks go there directly, as the cluster's
 * load balancer sends them, not through the local front door (a Node.js proxy the cluster does
 * not have; its CPU is shown apart). The single-process n8n is loaded on its own port too.
 */
async function webhookUrl(model: ReturnType<typeof spec>): Promise<string> {
  const layout = await buildLocalLayout(state, model, model.tenants);
  const webhook = layout.plan.services.find((s) => s.name.endsWith(":webhook") && s.name.startsWith("n8n:"));
  if (webhook === undefined) throw new Error("no webhook processor in the plan");
  return `http://127.0.0.1:${webhook.env.N8N_PORT}/`;
}

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-tp-"));
const state = new StateDir(stateDir);
const row: Record<string, string | number> = { n8n: version, setting };
const ms = (n: number | undefined) => (n ?? 0).toFixed(1);
try {
  const one = await up(spec(1), { stateDir });
  const url = one.tenants[0]?.url ?? "";
  const client = new N8nClient(url);
  await client.setUpOwner();
  const q1 = await loadWebhook(await webhookUrl(spec(1)), client, supervisedPids(state));
  await up(spec(2), { stateDir });
  const q2 = await loadWebhook(await webhookUrl(spec(2)), client, supervisedPids(state));
  // (a) single-process n8n on the same data and environment.
  const single = await startSingleProcess(stateDir, spec(1));
  try {
    const alone = await loadWebhook(single.url, single.client, {
      ...supervisedPids(state),
      "n8n (single)": single.child.pid ?? 0,
    });
    row["single exec/s"] = alone.perSecond.toFixed(1);
    row["queue 1w exec/s"] = q1.perSecond.toFixed(1);
    row["queue 2w exec/s"] = q2.perSecond.toFixed(1);
    row["1w ÷ single"] = (q1.perSecond / Math.max(0.1, alone.perSecond)).toFixed(2);
    row["2w ÷ single"] = (q2.perSecond / Math.max(0.1, alone.perSecond)).toFixed(2);
    row["CPU ms/exec single"] = ms(alone.cpuMsPerExecution);
    row["CPU ms/exec 1w"] = ms(q1.cpuMsPerExecution);
    const part = (load: typeof q1, prefix: string) =>
      Object.entries(load.byProcess)
        .filter(([name]) => name.startsWith(prefix))
        .reduce((n, [, v]) => n + v, 0);
    row["1w: main"] = ms(part(q1, "n8n:t0:main"));
    row["1w: webhook"] = ms(part(q1, "n8n:t0:webhook"));
    row["1w: worker"] = ms(part(q1, "n8n:t0:worker"));
    row["1w: runner"] = ms(part(q1, "runner:"));
    row["1w: PostgreSQL"] = ms(part(q1, "postgres:"));
    row["1w: Redis"] = ms(part(q1, "redis:"));
    row["1w: front door"] = ms(part(q1, "supervisor"));
    row["single: n8n"] = ms(part(alone, "n8n (single)"));
    row["single: PostgreSQL"] = ms(part(alone, "postgres:"));
  } finally {
    single.child.kill("SIGTERM");
  }
} finally {
  await stopSupervisor(state);
  rmSync(stateDir, { recursive: true, force: true });
}
row.cores = cpus().length;
console.log(JSON.stringify(row));
