// One measurement: apply N generated tenants to a fresh test control plane (real
// kube-apiserver, upstream CRDs), then the no-op second apply. Prints the time to the first
// complete tenant, the rate per 30 s of the first apply, the TCP connections opened, and the
// peak memory of this process and of the API server.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGitOpsObject, rankOf } from "../src/deploy/objects.js";
import { toYamlStream } from "../src/manifest/serialize.js";
import { groupBy } from "../src/lib/group-by.js";
import { applyPlatform } from "../src/deploy/apply.js";
import { KubeClient } from "../src/deploy/kube-client.js";
import { resolve } from "../src/model/resolve.js";
import { render } from "../src/render/render.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { installUpstreamCrds, startControlPlane } from "../test/support/control-plane.js";
import { generateSpec } from "./generate.js";

const tenants = Number(process.argv[2] ?? 200);
const result = validateSpecText(generateSpec(tenants), "bench.yaml");
if (!result.spec) throw new Error("generated spec is invalid");
const model = resolve(result.spec);
const objects = render(result.spec);

/** Peak resident memory of a process, from the kernel (VmHWM). */
const peakMiB = (pid: string) =>
  Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024);

// The API server serves /debug/pprof only when the test control plane is started with profiling.
if (process.env.BENCH_PPROF !== undefined) process.env.K8S_TESTENV_PROFILING = "true";
const ours = await measureTenantctl();
const peer = process.env.BENCH_KUBECTL === "0" ? undefined : await measureKubectl();
console.log(
  JSON.stringify({
    ...ours,
    "kubectl first apply s": peer?.first ?? "skipped",
    "kubectl no-op s": peer?.noop ?? "skipped",
    "ratio kubectl/tenantctl (first)": peer
      ? (Number(peer.first) / Number(ours["first apply s"])).toFixed(1)
      : "-",
    "kube-apiserver peak MiB (kubectl)": peer?.apiserverMiB ?? "-",
  }),
);

async function measureTenantctl() {
  const plane = startControlPlane();
  const apiserver = readFileSync(join(plane.dir, "kube-apiserver.pid"), "utf8").trim();
  const client = KubeClient.fromKubeconfig({ kubeconfig: plane.kubeconfig, timeoutMs: 120_000 });
  try {
    await installUpstreamCrds(client);
    const profile = process.env.BENCH_PPROF === undefined ? undefined : profileApiServer(plane.kubeconfig);
    const before = client.connectionsOpened;
    const t0 = performance.now();
    let firstTenant: number | undefined;
    const doneAt: number[] = [];
    const first = await applyPlatform(client, model, objects, {
      concurrency: 16,
      onProgress: (e) => {
        if (e.type === "tenant") firstTenant ??= performance.now() - t0;
        if (e.type === "object") doneAt.push(performance.now() - t0);
      },
    });
    const t1 = performance.now();
    const firstConnections = client.connectionsOpened - before;
    if (profile !== undefined) console.error(await profile);
    const second = await applyPlatform(client, model, objects, { concurrency: 16 });
    const t2 = performance.now();
    const perWindow: number[] = [];
    for (const at of doneAt) {
      const w = Math.floor(at / 30_000);
      perWindow[w] = (perWindow[w] ?? 0) + 1;
    }
    return {
      tenants,
      objects: objects.length,
      "control plane start ms": Math.round(plane.startMs),
      "first apply s": ((t1 - t0) / 1000).toFixed(1),
      "first tenant complete s": ((firstTenant ?? 0) / 1000).toFixed(1),
      "objects/s": Math.round(objects.length / ((t1 - t0) / 1000)),
      "objects/s per 30 s": Array.from(perWindow, (n) => Math.round((n ?? 0) / 30)).join(" "),
      "requests (first apply)": first.results.length,
      "connections (first apply)": firstConnections,
      "second apply (no-op) s": ((t2 - t1) / 1000).toFixed(1),
      "changed on second": second.results.filter((r) => r.outcome !== "unchanged").length,
      failed: first.results.filter((r) => r.outcome === "failed").length,
      "tenantctl peak MiB": Math.round(process.resourceUsage().maxRSS / 1024),
      "kube-apiserver peak MiB": peakMiB(apiserver),
    };
  } finally {
    client.close();
    plane.stop();
  }
}

/**
 * The API server's CPU profile (its /debug/pprof, on by default) over 30 s, starting 90 s into
 * the first apply, summarised by `go tool pprof -top`: where the server spends its time.
 */
function profileApiServer(kubeconfig: string): Promise<string> {
  const file = join(tmpdir(), `tenantctl-bench-apiserver-${process.pid}.pprof`);
  const run = (command: string, args: string[]) =>
    new Promise<string>((ok, fail) =>
      execFile(command, args, { encoding: "buffer", maxBuffer: 1 << 28 }, (error, stdout) =>
        error ? fail(error) : ok(stdout.toString("latin1")),
      ),
    );
  return new Promise<void>((r) => setTimeout(r, 90_000))
    .then(() =>
      run("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/debug/pprof/profile?seconds=30"]),
    )
    .then((profile) => writeFileSync(file, Buffer.from(profile, "latin1")))
    .then(() => run("go", ["tool", "pprof", "-top", "-nodecount=30", file]))
    .catch((error: unknown) => `no API server profile: ${String(error)}`);
}

/**
 * The peer: `kubectl apply --server-side` of the same objects on a fresh control plane, one
 * stream per sync wave in tenantctl's order (namespaces before what goes in them), twice.
 * kubectl gets no generated secrets (it has no way to make them).
 */
async function measureKubectl(): Promise<{ first: string; noop: string; apiserverMiB: number }> {
  const plane = startControlPlane();
  const apiserver = readFileSync(join(plane.dir, "kube-apiserver.pid"), "utf8").trim();
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-kubectl-"));
  try {
    const client = KubeClient.fromKubeconfig({ kubeconfig: plane.kubeconfig, timeoutMs: 120_000 });
    await installUpstreamCrds(client);
    client.close();
    const waves = groupBy(
      objects.filter((o) => !isGitOpsObject(o.object)),
      (o) => String(rankOf(o.object)),
    );
    const files = [...waves.keys()]
      .map(Number)
      .sort((a, b) => a - b)
      .map((rank, i) => {
        const file = join(dir, `${String(i).padStart(3, "0")}.yaml`);
        writeFileSync(file, toYamlStream(waves.get(String(rank)) ?? []));
        return file;
      });
    const pass = () => {
      const t = performance.now();
      for (const file of files) {
        execFileSync(
          "kubectl",
          ["--kubeconfig", plane.kubeconfig, "apply", "--server-side", "--force-conflicts", "-f", file],
          { stdio: "ignore" },
        );
      }
      return ((performance.now() - t) / 1000).toFixed(1);
    };
    const first = pass();
    const noop = pass();
    return { first, noop, apiserverMiB: peakMiB(apiserver) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    plane.stop();
  }
}
