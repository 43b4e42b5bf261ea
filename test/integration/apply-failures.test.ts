import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type ApplyReport, applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient, KubeUnreachableError } from "../../src/deploy/kube-client.js";
import { isGitOpsObject } from "../../src/deploy/objects.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";
import { sidePlatformText } from "../support/spec-text.js";

/** A platform of its own (tenants fa, fb), so that these tests never touch the example's tenants. */
const SPEC_TEXT = sidePlatformText("faildemo", "fd", ["fa", "fb"]);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const kubeconfig = inject("kubeconfig");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
const spec = validSpec(SPEC_TEXT);
const model = resolve(spec);
const objects = render(spec);
/** What apply sends by default: everything but Argo CD's own objects. */
const applied = objects.filter((o) => !isGitOpsObject(o.object));
const workdir = mkdtempSync(join(tmpdir(), "tenantctl-failures-"));
const specFile = join(workdir, "platform.yaml");
writeFileSync(specFile, SPEC_TEXT);

afterAll(() => admin.close());

/** A TCP proxy to the API server that can be cut: the network failing in the middle of an apply. */
function cuttableProxy(target: URL): Promise<{ port: number; cut: () => void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      ok({
        port: typeof address === "object" && address ? address.port : 0,
        cut: () => {
          server.close();
          for (const s of sockets) s.destroy();
        },
      });
    }),
  );
}

function kubeconfigVia(port: number): string {
  const file = join(workdir, `via-${port}.kubeconfig`);
  writeFileSync(
    file,
    readFileSync(kubeconfig, "utf8").replace(
      /server: https:\/\/127\.0\.0\.1:\d+/,
      `server: https://127.0.0.1:${port}`,
    ),
  );
  return file;
}

const tenantctl = (...args: string[]) =>
  spawnSync(process.execPath, [join(repo, "bin", "tenantctl.js"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });

describe.sequential("apply when things go wrong", () => {
  it("fails with exit 1 and a clear message, no stack trace, when the API server is unreachable", () => {
    const r = tenantctl("apply", specFile, "--kubeconfig", kubeconfigVia(1));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error deploy/unreachable");
    expect(r.stderr).toContain("cannot reach the Kubernetes API at https://127.0.0.1:1");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports exactly what was applied and what not when the network fails halfway, and a re-run completes it", async () => {
    const server = new URL(readFileSync(kubeconfig, "utf8").match(/server: (\S+)/)?.[1] ?? "");
    const proxy = await cuttableProxy(server);
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfigVia(proxy.port), timeoutMs: 3000 });
    let failure: unknown;
    let created = 0;
    try {
      await applyPlatform(client, model, objects, {
        concurrency: 1,
        onProgress: (e) => {
          if (e.type === "object" && e.result.outcome === "created" && ++created === 12) proxy.cut();
        },
      });
    } catch (error) {
      failure = error;
    } finally {
      client.close();
    }
    expect(failure).toBeInstanceOf(KubeUnreachableError);
    const report = (failure as { report: ApplyReport }).report;
    const done = report.results.filter((r) => r.outcome !== "not-attempted");
    const notApplied = report.results.filter((r) => r.outcome === "not-attempted");
    expect(report.results.filter((r) => r.outcome === "created")).toHaveLength(12);
    expect(report.results.filter((r) => r.outcome === "failed")).toEqual([]);
    expect(done.length + notApplied.length).toBe(applied.length);
    expect(report.pruned).toEqual([]);

    const rerun = await applyPlatform(admin, model, objects);
    const outcome = (r: (typeof rerun.results)[number]) => `${r.ref.kind}/${r.ref.namespace}/${r.ref.name}`;
    // What the interrupted apply did stays as it left it; exactly what it did not do is done now.
    expect(rerun.results.filter((r) => r.outcome === "failed")).toEqual([]);
    expect(
      rerun.results
        .filter((r) => r.outcome === "unchanged")
        .map(outcome)
        .sort(),
    ).toEqual(done.map(outcome).sort());
    expect(
      rerun.results
        .filter((r) => r.outcome === "created")
        .map(outcome)
        .sort(),
    ).toEqual(notApplied.map(outcome).sort());
  });

  it("applies everything else, names the invalid object and prunes nothing when one object is rejected", async () => {
    const broken = objects.map((o) =>
      o.object.kind === "Deployment" && o.object.metadata.name === "n8n-webhook" && o.tenant === "fa"
        ? { ...o, object: { ...o.object, spec: { ...(o.object.spec as object), replica: 2 } } }
        : o,
    );
    const report = await applyPlatform(admin, model, broken);
    const failed = report.results.filter((r) => r.outcome === "failed");
    expect(failed.map((r) => `${r.ref.namespace}/${r.ref.name}`)).toEqual(["tenant-fa/n8n-webhook"]);
    expect(failed[0]?.error).toMatch(/\.spec\.replica: field not declared in schema/);
    expect(report.pruneSkipped).toBe(true);
    expect(report.results.filter((r) => r.outcome === "not-attempted")).toEqual([]);
    const tenantObjects = applied.filter((o) => o.tenant !== undefined).length;
    expect(report.results.filter((r) => r.tenant !== undefined && r.outcome === "unchanged")).toHaveLength(
      tenantObjects - 1,
    );
  });

  it("repairs a field someone else changed (drift), and leaves the rest alone", async () => {
    await applyPlatform(admin, model, objects);
    await admin.call("PATCH", "/api/v1/namespaces/tenant-fa/resourcequotas/tenant-quota", {
      contentType: "application/merge-patch+json",
      body: { spec: { hard: { pods: "500" } } },
      query: { fieldManager: "kubectl-edit" },
    });
    const report = await applyPlatform(admin, model, objects);
    expect(
      report.results
        .filter((r) => r.outcome !== "unchanged")
        .map((r) => `${r.outcome} ${r.ref.namespace}/${r.ref.name}`),
    ).toEqual(["configured tenant-fa/tenant-quota"]);
    const quota = await admin.call<{ spec: { hard: { pods: string } } }>(
      "GET",
      "/api/v1/namespaces/tenant-fa/resourcequotas/tenant-quota",
    );
    expect(quota.body.spec.hard.pods).toBe("40");
  });

  it("applies from the command line, with a summary, and a second time changes nothing", () => {
    const first = tenantctl("apply", specFile, "--kubeconfig", kubeconfig);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain("fa: ");
    const second = tenantctl("apply", specFile, "--kubeconfig", kubeconfig);
    expect(second.status).toBe(0);
    const row = second.stdout.trim().split("\n").at(-1)?.trim().split(/\s+/) ?? [];
    expect(row.slice(0, 7)).toEqual(["0", "0", String(applied.length), "0", "0", "0", "0"]);
  });

  it("shows the change in diff from the command line and applies nothing with --dry-run", () => {
    const changed = join(workdir, "changed.yaml");
    writeFileSync(
      changed,
      SPEC_TEXT.replace(
        "  - name: fb\n    zone: internal\n",
        "  - name: fb\n    zone: internal\n    n8n: { workers: { max: 3 } }\n",
      ),
    );
    const diff = tenantctl("diff", changed, "--kubeconfig", kubeconfig);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain("~ ScaledObject tenant-fb/n8n-worker");
    expect(diff.stdout).toContain("+   maxReplicaCount: 3");
    expect(diff.stdout).toMatch(/0 to create, 1 to change/);
    const dry = tenantctl("apply", changed, "--kubeconfig", kubeconfig, "--dry-run");
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("dry run (nothing was changed)");
    const after = tenantctl("diff", changed, "--kubeconfig", kubeconfig);
    expect(after.stdout).toMatch(/0 to create, 1 to change/);
  });
});
