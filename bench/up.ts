// One measurement of `tenantctl up` with real processes: N tenants on an n8n release (the
// argument: `<N>` or `<N>@<version>`; n8n already in the cache): time from up to every process
// ready, and memory per tenant, RSS and PSS (process-memory.ts), after the tenants sat idle for
// a minute (start-up's garbage collected, as `status` would find them); for N = 1, each
// process's PSS. Throughput: throughput.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateSpecText } from "../src/model/load-platform.js";
import { resolve } from "../src/model/resolve.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { PINNED } from "../src/versions.js";
import { memoryByService } from "./process-memory.js";

const [count = "1", version = PINNED.n8n] = (process.argv[2] ?? "1").split("@");
const tenants = Number(count);
const lines = [
  "apiVersion: tenantctl/v1alpha1",
  "kind: Platform",
  "metadata: { name: benchup }",
  'cluster: { name: benchup, region: eu-central-1, domain: n8n.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }',
  "gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }",
  "zones:",
  "  internal: { customerData: false }",
  `defaults: { n8n: { version: "${version}" } }`,
  "tenants:",
];
for (let i = 0; i < tenants; i++) lines.push(`  - name: t${i}`, "    zone: internal");
const parsed = validateSpecText(`${lines.join("\n")}\n`, "bench.yaml");
if (!parsed.spec) throw new Error("invalid bench spec");

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-up-"));
const state = new StateDir(stateDir);
const row: Record<string, string | number> = { tenants, n8n: version };
try {
  const t0 = performance.now();
  const report = await up(resolve(parsed.spec), { stateDir });
  row["up to ready s"] = ((performance.now() - t0) / 1000).toFixed(1);
  row["processes"] = Object.keys(report.status.services).length;
  await new Promise((r) => setTimeout(r, 60_000));
  const memory = Object.entries(memoryByService(state));
  const sum = (key: "rss" | "pss") => memory.reduce((n, [, m]) => n + m[key], 0) / tenants;
  row["RSS per tenant MiB"] = Math.round(sum("rss"));
  row["PSS per tenant MiB"] = Math.round(sum("pss"));
  if (tenants === 1) {
    row["PSS by process MiB"] = memory
      .filter(([, m]) => m.pss > 0)
      .map(([name, m]) => `${name.replace(/:t0\b|:tenant-t0\b/, "")} ${Math.round(m.pss)}`)
      .join(", ");
  }
} finally {
  await stopSupervisor(state);
  rmSync(stateDir, { recursive: true, force: true });
}
console.log(JSON.stringify(row));
