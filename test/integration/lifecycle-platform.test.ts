import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { run } from "../support/cli.js";
import { validSpec } from "../support/example.js";

/**
 * The end of a tenant's life and its sleep, against the real control plane (CRDs of
 * CloudNativePG and KEDA, no operators): the hibernation golden applied with Strict
 * validation; then `tenantctl offboard --kubeconfig`, with the test playing CloudNativePG (it
 * completes the final Backup), the data marked, the spec rewritten, apply with prune keeping
 * the data through its day even with --allow-data-loss, status listing it, and only after the
 * day, and with --allow-data-loss, the data going.
 */
const kubeconfig = inject("kubeconfig");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
afterAll(() => admin.close());

const SLEEPERS = readFileSync(
  fileURLToPath(new URL("../golden/hibernation/platform.yaml", import.meta.url)),
  "utf8",
);

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  return admin.request<T>("GET", path);
}

describe.sequential("hibernation on a real kube-apiserver", () => {
  it("applies tenants asleep and napping with Strict validation against CloudNativePG's and KEDA's CRDs", async () => {
    const spec = validSpec(SLEEPERS);
    const report = await applyPlatform(admin, resolve(spec), render(spec), { withGitOps: false });
    expect(report.results.filter((r) => ["failed", "not-attempted", "refused"].includes(r.outcome))).toEqual(
      [],
    );
    const db = await get<{ metadata: { annotations: Record<string, string> } }>(
      "/apis/postgresql.cnpg.io/v1/namespaces/tenant-hib-dormant/clusters/n8n-db",
    );
    expect(db.body.metadata.annotations["cnpg.io/hibernation"]).toBe("on");
    const main = await get<{ spec: { replicas: number } }>(
      "/apis/apps/v1/namespaces/tenant-hib-dormant/deployments/n8n-main",
    );
    expect(main.body.spec.replicas).toBe(0);
    const nap = await get<{ spec: { minReplicaCount: number; triggers: { type: string }[] } }>(
      "/apis/keda.sh/v1alpha1/namespaces/tenant-hib-napper/scaledobjects/n8n-main",
    );
    expect(nap.status).toBe(200);
    expect(nap.body.spec.minReplicaCount).toBe(0);
    expect(nap.body.spec.triggers.map((t) => t.type)).toEqual(["prometheus"]);
  });
});

const LEAVING = `${SLEEPERS.split("tenants:\n")[0]?.replace("metadata: { name: sleepers }", "metadata: { name: leavers }")}tenants:
  - name: off-stays
    zone: hib-customers
  - name: off-leaves
    zone: hib-customers
`;

describe.sequential("offboarding on a real kube-apiserver", () => {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-offboard-"));
  const file = join(dir, "platform.yaml");
  const state = mkdtempSync(join(tmpdir(), "tenantctl-offboard-state-"));
  const NS = "tenant-off-leaves";
  const dataPaths = [
    `/apis/postgresql.cnpg.io/v1/namespaces/${NS}/clusters/n8n-db`,
    `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/n8n-encryption-key`,
    `/api/v1/namespaces/${NS}`,
  ];

  it("takes the final backup (waiting for CloudNativePG), marks the data with its day, and moves the tenant to offboarded:", async () => {
    writeFileSync(file, LEAVING);
    const spec = validSpec(LEAVING);
    await applyPlatform(admin, resolve(spec), render(spec), { withGitOps: false });
    // The test plays CloudNativePG: it completes the offboarding's Backup once it appears.
    let completed = "";
    const operator = (async () => {
      for (let i = 0; i < 600 && completed === ""; i++) {
        const list = await get<{ items: { metadata: { name: string } }[] }>(
          `/apis/postgresql.cnpg.io/v1/namespaces/${NS}/backups`,
        );
        const backup = list.body.items.find((b) => b.metadata.name.startsWith("n8n-db-offboard-"));
        if (backup !== undefined) {
          await admin.call(
            "PATCH",
            `/apis/postgresql.cnpg.io/v1/namespaces/${NS}/backups/${backup.metadata.name}/status`,
            { body: { status: { phase: "completed" } }, contentType: "application/merge-patch+json" },
          );
          completed = backup.metadata.name;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const r = await run(
      "offboard",
      file,
      "off-leaves",
      "--retain",
      "90d",
      "--kubeconfig",
      kubeconfig,
      "--state-dir",
      state,
    );
    await operator;
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`${completed}: completed`);
    const until = /kept through (\d{4}-\d{2}-\d{2})/.exec(r.out)?.[1] ?? "";
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(88 * 86_400_000);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("- name: off-leaves\n");
    expect(text).toContain(
      `offboarded:\n  - { name: off-leaves, zone: hib-customers, until: "${until}", backup: ${completed} }\n`,
    );
    expect(validSpec(text).offboarded).toEqual([
      { name: "off-leaves", zone: "hib-customers", until, backup: completed },
    ]);
    for (const path of dataPaths) {
      const o = await get<{ metadata: { annotations?: Record<string, string> } }>(path);
      expect(o.body.metadata.annotations?.["tenantctl.io/retain-until"], path).toBe(until);
    }
  });

  it("keeps the data through its day when apply prunes, even with --allow-data-loss, and status lists it", async () => {
    const r = await run("apply", file, "--kubeconfig", kubeconfig, "--allow-data-loss");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/kept through their retention day/);
    expect(r.out).toMatch(/Cluster tenant-off-leaves\/n8n-db \(through \d{4}-\d{2}-\d{2}\)/);
    expect(r.out).toMatch(/pruned:\n(.*\n)*\s+Deployment tenant-off-leaves\/n8n-main/);
    expect((await get(`/apis/apps/v1/namespaces/${NS}/deployments/n8n-main`)).status).toBe(404);
    for (const path of dataPaths) expect((await get(path)).status, path).toBe(200);
    const status = await run("status", "--retained", file, "--kubeconfig", kubeconfig, "--state-dir", state);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(/off-leaves\s+Cluster tenant-off-leaves\/n8n-db\s+\d{4}-\d{2}-\d{2}/);
    expect(status.out).toMatch(/off-leaves\s+ExternalSecret tenant-off-leaves\/n8n-encryption-key/);
  });

  it("after the day, keeps the data without --allow-data-loss and deletes it with it", async () => {
    // The day has passed: in the spec and on the objects (the later of the two counts).
    const past = "2020-01-01";
    writeFileSync(file, readFileSync(file, "utf8").replace(/until: "\d{4}-\d{2}-\d{2}"/, `until: "${past}"`));
    for (const path of dataPaths)
      await admin.call("PATCH", path, {
        body: { metadata: { annotations: { "tenantctl.io/retain-until": past } } },
        contentType: "application/merge-patch+json",
      });
    const kept = await run("apply", file, "--kubeconfig", kubeconfig);
    expect(kept.code, kept.err).toBe(0);
    expect(kept.out).toContain("kept because they hold data");
    for (const path of dataPaths) expect((await get(path)).status, path).toBe(200);
    const gone = await run("apply", file, "--kubeconfig", kubeconfig, "--allow-data-loss");
    expect(gone.code, gone.err).toBe(0);
    expect(gone.out).toMatch(/Cluster tenant-off-leaves\/n8n-db/);
    expect((await get(dataPaths[0] as string)).status).toBe(404);
  });
});
