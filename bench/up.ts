// One measurement of `tenantctl up` with real processes: N tenants (n8n already in the cache):
// time from up to every process ready, resident memory per tenant, and for N = 1 the webhook
// executions per second of a Webhook → Set workflow in queue mode with 1 and 2 workers
// (autocannon on loopback, bounded to 15 s each).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { resolve } from "../src/model/resolve.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { residentMiB } from "./process-memory.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { N8nClient } from "../test/support/n8n-client.js";

const tenants = Number(process.argv[2] ?? 1);
const spec = (workers: number) => {
  const lines = [
    "apiVersion: tenantctl/v1alpha1",
    "kind: Platform",
    "metadata: { name: benchup }",
    'cluster: { name: benchup, region: eu-central-1, domain: n8n.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }',
    "gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }",
    "zones:",
    "  internal: { customerData: false }",
    `defaults: { n8n: { workers: { min: ${workers}, max: 5 } } }`,
    "tenants:",
  ];
  for (let i = 0; i < tenants; i++) lines.push(`  - name: t${i}`, "    zone: internal");
  const result = validateSpecText(`${lines.join("\n")}\n`, "bench.yaml");
  if (!result.spec) throw new Error("invalid bench spec");
  return resolve(result.spec);
};

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-up-"));
const state = new StateDir(stateDir);
const row: Record<string, string | number> = { tenants };
try {
  const t0 = performance.now();
  const report = await up(spec(1), { stateDir });
  row["up to ready s"] = ((performance.now() - t0) / 1000).toFixed(1);
  row["processes"] = Object.keys(report.status.services).length;
  await new Promise((r) => setTimeout(r, 5000));
  row["RSS per tenant MiB"] = Math.round(residentMiB(state) / tenants);
  if (tenants === 1) {
    row["webhook exec/s, 1 worker"] = await throughput(report.tenants[0]?.url ?? "");
    const two = await up(spec(2), { stateDir });
    row["webhook exec/s, 2 workers"] = await throughput(two.tenants[0]?.url ?? "", true);
  }
} finally {
  await stopSupervisor(state);
  rmSync(stateDir, { recursive: true, force: true });
}
console.log(JSON.stringify(row));

async function throughput(url: string, loggedIn = false): Promise<number> {
  const client = new N8nClient(url);
  if (loggedIn) await client.login();
  else await client.setUpOwner();
  const path = `bench-${Date.now()}`;
  await client.webhookWorkflow(path);
  const target = `${url}webhook/${path}`;
  const run = (duration: number) =>
    autocannon({
      url: target,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: "bench" }),
      connections: 16,
      duration,
    });
  await run(3); // warm-up
  const result = await run(15);
  if (result.non2xx > 0 || result.errors > 0)
    console.error(`non-2xx: ${result.non2xx}, errors: ${result.errors}`);
  return Math.round(result.requests.average);
}
