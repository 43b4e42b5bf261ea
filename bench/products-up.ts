// One measurement of `tenantctl up` with the sample product (examples/tasks-service, "tasks" in
// examples/products.yaml): N tenants, each with its own PostgreSQL, Redis and RabbitMQ node
// (the Python environment already in the cache): time from up to every process ready, resident
// memory per tenant, and for N = 1 the tasks per second API → RabbitMQ → worker → PostgreSQL
// with 1 and 2 workers (300 tasks posted 16 at a time, timed until the last one is done), and
// how fast the API alone accepted them.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { parse, stringify } from "yaml";
import { validateSpecText } from "../src/model/load-platform.js";
import { resolve } from "../src/model/resolve.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { residentMiB } from "./process-memory.js";

const tenants = Number(process.argv[2] ?? 1);
const EXAMPLES = resolvePath("examples");
const TASKS = 300;
const CONCURRENCY = 16;

const spec = (workers: number) => {
  const products = parse(readFileSync(join(EXAMPLES, "products.yaml"), "utf8")) as {
    products: { tasks: { components: { worker: { replicas: { min: number } } } } };
  };
  const tasks = products.products.tasks;
  tasks.components.worker.replicas.min = workers;
  const lines = [
    "apiVersion: tenantctl/v1alpha1",
    "kind: Platform",
    "metadata: { name: benchtasks }",
    'cluster: { name: benchtasks, region: eu-central-1, domain: tasks.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }',
    "gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }",
    "zones:",
    "  internal: { customerData: false }",
    stringify({ products: { tasks } }).trimEnd(),
    "tenants:",
  ];
  for (let i = 0; i < tenants; i++) lines.push(`  - { name: t${i}, zone: internal, product: tasks }`);
  const result = validateSpecText(`${lines.join("\n")}\n`, "bench.yaml");
  if (!result.spec) throw new Error(`invalid bench spec: ${JSON.stringify(result.diagnostics[0])}`);
  return resolve(result.spec);
};

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-tasks-"));
const state = new StateDir(stateDir);
const row: Record<string, string | number> = { tenants };
/** How fast the API alone took the tasks (one uvicorn process): the ceiling of the pipeline. */
const acceptedPerSecond: number[] = [];
try {
  const t0 = performance.now();
  const report = await up(spec(1), { stateDir, specDirectory: EXAMPLES });
  row["up to ready s"] = ((performance.now() - t0) / 1000).toFixed(1);
  row["processes"] = Object.keys(report.status.services).length;
  await new Promise((r) => setTimeout(r, 5000));
  row["RSS per tenant MiB"] = Math.round(residentMiB(state) / tenants);
  if (tenants === 1) {
    row["tasks/s, 1 worker"] = await throughput(report.tenants[0]?.url ?? "");
    const two = await up(spec(2), { stateDir, specDirectory: EXAMPLES });
    row["tasks/s, 2 workers"] = await throughput(two.tenants[0]?.url ?? "");
    row["API accepts/s"] = Math.max(...acceptedPerSecond).toFixed(1);
  }
} finally {
  await stopSupervisor(state);
  rmSync(stateDir, { recursive: true, force: true });
}
console.log(JSON.stringify(row));

/** Tasks per second from the first POST to the last task done, as the tenant's /stats counts them. */
async function throughput(url: string): Promise<string> {
  const doneNow = async () => ((await (await fetch(`${url}stats`)).json()) as { done?: number }).done ?? 0;
  const before = await doneNow();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TASKS) {
        next++;
        const response = await fetch(`${url}tasks`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: `bench ${next}` }),
        });
        if (response.status !== 202) throw new Error(`POST /tasks: HTTP ${response.status}`);
      }
    }),
  );
  acceptedPerSecond.push(TASKS / ((performance.now() - started) / 1000));
  const deadline = Date.now() + 600_000;
  while ((await doneNow()) - before < TASKS) {
    if (Date.now() > deadline) throw new Error("the tasks did not all finish within 10 minutes");
    await new Promise((r) => setTimeout(r, 100));
  }
  return (TASKS / ((performance.now() - started) / 1000)).toFixed(1);
}
