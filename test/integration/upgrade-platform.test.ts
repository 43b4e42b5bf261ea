import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { upgradeWave } from "../../src/edit/upgrade.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";
import { run } from "../support/cli.js";

/**
 * A staged n8n version change (test/golden/upgrade) against the real control plane: the
 * CloudNativePG Backup named for the release is accepted by its CRD, workers and webhook
 * processors are held at zero with KEDA paused, main runs the new release; then the finish
 * (tenantctl upgrade --finish) brings them back, removes the pause, and prunes the Backup
 * object (the backup itself lives in the object store).
 */
const kubeconfig = inject("kubeconfig");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
const STAGED = readFileSync(
  fileURLToPath(new URL("../golden/upgrade/platform.yaml", import.meta.url)),
  "utf8",
);
const FINISHED = upgradeWave(STAGED, validSpec(STAGED), { wave: "canary", finish: true }).text;
const NS = "/apis/apps/v1/namespaces/tenant-upg-canary/deployments";

afterAll(() => admin.close());

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  return admin.request<T>("GET", path);
}

describe.sequential("a staged version change on a real kube-apiserver", () => {
  it("applies the staged platform with Strict field validation, the Backup against CloudNativePG's CRD", async () => {
    const spec = validSpec(STAGED);
    const report = await applyPlatform(admin, resolve(spec), render(spec), { withGitOps: false });
    expect(report.results.filter((r) => ["failed", "not-attempted", "refused"].includes(r.outcome))).toEqual(
      [],
    );
    const backup = await get<{ spec: unknown }>(
      "/apis/postgresql.cnpg.io/v1/namespaces/tenant-upg-canary/backups/n8n-db-before-n8n-2-41-1",
    );
    expect(backup.status).toBe(200);
    expect(backup.body.spec).toEqual({ cluster: { name: "n8n-db" }, method: "barmanObjectStore" });
    for (const name of ["n8n-worker", "n8n-webhook"])
      expect((await get<{ spec: { replicas: number } }>(`${NS}/${name}`)).body.spec.replicas, name).toBe(0);
    expect((await get<{ spec: { replicas: number } }>(`${NS}/n8n-main`)).body.spec.replicas).toBe(1);
    const scaler = await get<{ metadata: { annotations: Record<string, string> } }>(
      "/apis/keda.sh/v1alpha1/namespaces/tenant-upg-canary/scaledobjects/n8n-worker",
    );
    expect(scaler.body.metadata.annotations["autoscaling.keda.sh/paused-replicas"]).toBe("0");
  });

  it("reads what runs from the cluster: a downgrade and an unstaged move refused, no finish before main is ready", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-running-"));
    const file = join(dir, "platform.yaml");
    const { runningOnCluster } = await import("../../src/deploy/running-releases.js");
    const running = await runningOnCluster(admin, resolve(validSpec(STAGED)), undefined);
    expect(running.releasesOn(undefined)?.get("upg-canary")).toMatchObject({
      version: "2.41.1",
      upgradingFrom: "(staged in the cluster)",
    });
    expect(running.releasesOn(undefined)?.get("upg-later")).toMatchObject({
      version: "1.123.81",
      upgradingFrom: undefined,
    });
    // The spec taken back (canary to 1.123.81) and moved unstaged (later to 2.41.1).
    writeFileSync(
      file,
      STAGED.replace(
        "      version: 2.41.1\n      upgradeFrom: 1.123.81   # written by tenantctl upgrade --wave canary --to 2.41.1\n",
        "      version: 1.123.81\n",
      ).replace(
        "  - name: upg-later\n    zone: upg-customers\n",
        "  - name: upg-later\n    zone: upg-customers\n    n8n: { version: 2.41.1 }\n",
      ),
    );
    const checked = await run("validate", file, "--kubeconfig", kubeconfig);
    expect(checked.code).toBe(1);
    expect(checked.err).toContain("spec/n8n-downgrade");
    expect(checked.err).toContain("upg-canary runs 2.41.1 in the cluster");
    expect(checked.err).toContain("spec/unstaged-upgrade");
    // No KWOK node here: main's pod is not running, so it is not ready, and the wave cannot finish.
    writeFileSync(file, STAGED);
    const finish = await run("upgrade", file, "--wave", "canary", "--finish", "--kubeconfig", kubeconfig);
    expect(finish.code).toBe(1);
    expect(finish.err).toContain("upgrade/migrator-not-ready");
    expect(readFileSync(file, "utf8")).toBe(STAGED);
  });

  it("finishes: the others come back on the new release, the pause goes, the Backup object is pruned", async () => {
    const spec = validSpec(FINISHED);
    const report = await applyPlatform(admin, resolve(spec), render(spec), { withGitOps: false });
    expect(report.results.filter((r) => ["failed", "not-attempted", "refused"].includes(r.outcome))).toEqual(
      [],
    );
    expect(report.pruned.map((r) => `${r.kind} ${r.name}`)).toEqual(["Backup n8n-db-before-n8n-2-41-1"]);
    const worker = await get<{
      spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
    }>(`${NS}/n8n-worker`);
    expect(worker.body.spec.replicas).toBeGreaterThan(0);
    expect(worker.body.spec.template.spec.containers[0]?.image).toMatch(/:2\.41\.1$/);
    const scaler = await get<{ metadata: { annotations?: Record<string, string> } }>(
      "/apis/keda.sh/v1alpha1/namespaces/tenant-upg-canary/scaledobjects/n8n-worker",
    );
    expect(scaler.body.metadata.annotations ?? {}).not.toHaveProperty("autoscaling.keda.sh/paused-replicas");
  });
});

describe.sequential("a restore in the cluster on a real kube-apiserver", () => {
  const RESTORE = readFileSync(
    fileURLToPath(new URL("../golden/restore/platform.yaml", import.meta.url)),
    "utf8",
  );

  it("applies generation 2, bootstrapped from generation 1's archive, with Strict validation against CloudNativePG's CRD", async () => {
    const spec = validSpec(RESTORE);
    const report = await applyPlatform(admin, resolve(spec), render(spec), { withGitOps: false });
    expect(report.results.filter((r) => ["failed", "not-attempted", "refused"].includes(r.outcome))).toEqual(
      [],
    );
    const cluster = await get<{ spec: { bootstrap: unknown; externalClusters: { name: string }[] } }>(
      "/apis/postgresql.cnpg.io/v1/namespaces/tenant-rst-acme/clusters/n8n-db-g2",
    );
    expect(cluster.status).toBe(200);
    expect(cluster.body.spec.bootstrap).toMatchObject({
      recovery: { source: "n8n-db", recoveryTarget: { targetTime: "2026-12-01T05:00:00Z" } },
    });
    expect(cluster.body.spec.externalClusters.map((c) => c.name)).toEqual(["n8n-db"]);
  });

  it("takes an on-demand Backup with the CLI, which a later apply leaves alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-cluster-backup-"));
    const file = join(dir, "platform.yaml");
    writeFileSync(file, RESTORE);
    const r = await run("backup", file, "rst-acme", "--in-cluster", "--kubeconfig", kubeconfig);
    expect(r.code, r.err).toBe(0);
    const name = /requested Backup tenant-rst-acme\/(\S+) of n8n-db-g2/.exec(r.out)?.[1] ?? "";
    expect(name).toMatch(/^n8n-db-g2-manual-\d{14}$/);
    const path = `/apis/postgresql.cnpg.io/v1/namespaces/tenant-rst-acme/backups/${name}`;
    expect((await get<{ spec: unknown }>(path)).body.spec).toEqual({
      cluster: { name: "n8n-db-g2" },
      method: "barmanObjectStore",
    });
    const spec = validSpec(RESTORE);
    const report = await applyPlatform(admin, resolve(spec), render(spec), { withGitOps: false });
    expect(report.pruned).toEqual([]);
    expect((await get(path)).status).toBe(200);
    const other = await run("backup", file, "rst-acme", "--in-cluster", "--kubeconfig", join(dir, "missing"));
    expect(other.code).not.toBe(0);
    expect(other.err).not.toContain("internal error");
  });
});
