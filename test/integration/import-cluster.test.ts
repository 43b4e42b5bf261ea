import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { tenantDatabase } from "../../src/runtime/local/backup.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { stopSupervisor } from "../../src/runtime/local/up.js";
import { run } from "../support/cli.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";
import { N8nClient, postWebhook, webhookNode, echoNode, connectNodes } from "../support/n8n-client.js";
import { startRegularN8n } from "../support/regular-n8n.js";

/**
 * Moving in from an ECS stack into a tenant in the cluster (the real control plane: its Job
 * controller, Pod Security admission, Strict validation; no kubelet, so the test plays it and
 * says the restore pod succeeded or failed). The source (a real regular-mode n8n with a
 * credential) is proven on a scratch copy on this machine first: a wrong key changes nothing in
 * the cluster; the right one becomes the tenant's key (the previous one kept), the workloads
 * are held at zero while a Job of the tenant's migrator restores it, and come back after.
 */
const kubeconfig = inject("kubeconfig");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
const NS = "tenant-movein";
const legacyModel = resolve(validSpec(localSpec("ecs", "tenants:\n  - name: ecs\n    zone: internal\n")));
const platform = localSpec(
  "moving-in",
  "secrets: { provider: generated }\ntenants:\n  - name: movein\n    zone: internal\n",
);
const legacyDir = mkdtempSync(join(tmpdir(), "tenantctl-legacy-cluster-"));
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-import-cluster-"));
const work = mkdtempSync(join(tmpdir(), "tenantctl-import-cluster-files-"));
const specFile = join(work, "platform.yaml");
const keyFile = join(work, "ecs.key");
const wrongKeyFile = join(work, "wrong.key");
let legacy: ChildProcess | undefined;
let sourceUrl = "";
let sourceKey = "";

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  return admin.request<T>("GET", path);
}
const secretKey = async () => {
  const s = await get<{ data: Record<string, string> }>(
    `/api/v1/namespaces/${NS}/secrets/n8n-encryption-key`,
  );
  return Buffer.from(s.body.data.encryptionKey ?? "", "base64").toString("utf8");
};
const replicas = async (name: string) =>
  (await get<{ spec: { replicas: number } }>(`/apis/apps/v1/namespaces/${NS}/deployments/${name}`)).body.spec
    .replicas;

/** tenantctl import into the cluster with that key file. */
const importWith = (key: string) =>
  run(
    "import",
    specFile,
    "movein",
    "--from",
    sourceUrl,
    "--encryption-key-file",
    key,
    "--kubeconfig",
    kubeconfig,
    "--state-dir",
    stateDir,
  );
const importSources = async () =>
  (await get<{ items: { metadata: { name: string } }[] }>(`/api/v1/namespaces/${NS}/secrets`)).body.items
    .map((s) => s.metadata.name)
    .filter((n) => n.includes("import-source"));

async function cordon(unschedulable: boolean): Promise<void> {
  const nodes = await get<{ items: { metadata: { name: string } }[] }>("/api/v1/nodes");
  for (const n of nodes.body.items)
    await admin.call("PATCH", `/api/v1/nodes/${n.metadata.name}`, {
      body: { spec: { unschedulable } },
      contentType: "application/merge-patch+json",
    });
}

/** Plays the kubelet: once the import Job's pod exists, says it ended as told. */
async function kubelet(phase: "Succeeded" | "Failed"): Promise<Record<string, unknown>> {
  // The proof on this machine comes first (n8n started on a scratch copy): minutes on a busy machine.
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    const pods = await get<{
      items: {
        metadata: { name: string; labels: Record<string, string> };
        spec: Record<string, unknown>;
        status?: { phase?: string };
      }[];
    }>(`/api/v1/namespaces/${NS}/pods?labelSelector=batch.kubernetes.io/job-name`);
    // The import Job's pod that has not ended yet (an earlier import's has).
    const pod = pods.body.items.find(
      (p) =>
        p.metadata.labels["batch.kubernetes.io/job-name"]?.startsWith("n8n-import-") &&
        !["Succeeded", "Failed"].includes(p.status?.phase ?? ""),
    );
    if (pod !== undefined) {
      const exit = phase === "Succeeded" ? 0 : 1;
      await admin.call("PATCH", `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/status`, {
        body: {
          status: {
            phase,
            containerStatuses: [
              {
                name: "restore",
                image: "x",
                imageID: "",
                ready: false,
                restartCount: 0,
                state: {
                  terminated: { exitCode: exit, reason: phase === "Succeeded" ? "Completed" : "Error" },
                },
              },
            ],
          },
        },
        contentType: "application/merge-patch+json",
      });
      return pod as unknown as Record<string, unknown>;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no import pod");
}

beforeAll(async () => {
  writeFileSync(specFile, platform);
  const started = await startRegularN8n(legacyDir, legacyModel);
  legacy = started.child;
  const client = new N8nClient(started.url);
  await client.setUpOwner();
  await client.rest("POST", "/credentials", {
    name: "partner key",
    type: "httpHeaderAuth",
    data: { name: "X-Api-Key", value: "moved-from-ecs" },
  });
  await client.activeWorkflow(
    "from ecs",
    [webhookNode("from-ecs", "lastNode"), echoNode()],
    connectNodes("Webhook", "Set"),
  );
  expect((await postWebhook(`${started.url}webhook/from-ecs`, "on ecs")).status).toBe(200);
  legacy.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 3000));
  const legacyState = new StateDir(legacyDir);
  const secrets = legacyState.readJson<Record<string, string>>("secrets/tenant-ecs.json", {});
  sourceKey = secrets.encryptionKey ?? "";
  writeFileSync(keyFile, `${sourceKey}\n`, { mode: 0o600 });
  writeFileSync(wrongKeyFile, "not-the-key-of-that-stack\n", { mode: 0o600 });
  const { database, instance } = await tenantDatabase(legacyState, legacyModel.tenants[0] as never);
  sourceUrl = `postgres://${database.user}:${encodeURIComponent(secrets.dbPassword ?? "")}@127.0.0.1:${instance.port}/${database.name}`;
  const applied = await run("apply", specFile, "--kubeconfig", kubeconfig);
  expect(applied.code, applied.err).toBe(0);
  // KWOK runs pods on the fake nodes other files made: no node takes the import's pod, the test plays its kubelet.
  await cordon(true);
}, 600_000);

afterAll(async () => {
  await cordon(false);
  legacy?.kill("SIGKILL");
  await stopSupervisor(new StateDir(legacyDir));
  admin.close();
});

describe.sequential("tenantctl import into the cluster", () => {
  it("refuses a wrong key on the scratch proof, before anything in the cluster changes", async () => {
    const before = await secretKey();
    const r = await importWith(wrongKeyFile);
    expect(r.code).toBe(1);
    expect(r.err).toContain("import/key-mismatch");
    expect(await secretKey()).toBe(before);
    expect(await replicas("n8n-main")).toBe(1);
    const jobs = await get<{ items: unknown[] }>(`/apis/batch/v1/namespaces/${NS}/jobs`);
    expect(jobs.body.items).toEqual([]);
  }, 600_000);

  it("installs the key, holds the workloads at zero, restores by a Job as the migrator, and brings them back", async () => {
    const previous = await secretKey();
    const played = kubelet("Succeeded");
    const r = await importWith(keyFile);
    const pod = (await played) as {
      metadata: { labels: Record<string, string> };
      spec: {
        nodeSelector?: Record<string, string>;
        containers: { env: { name: string; value?: string }[] }[];
      };
    };
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /imported into movein in the cluster in [\d.]+ s by Job n8n-import-\S+: proven first here \(\d+ rows, workflows 1, credentials decrypted 1 of 1\)/,
    );
    expect(r.err).toMatch(/n8n-import-\S+: waiting for a node/);
    expect(`${r.out}${r.err}`).not.toContain(sourceKey);
    expect(`${r.out}${r.err}`).not.toContain(
      encodeURIComponent(sourceUrl.split(":")[2]?.split("@")[0] ?? "none"),
    );
    // The Job ran as main (the policies that admit main to the database admit it), the source's URL only in a Secret.
    expect(pod.metadata.labels["app.kubernetes.io/component"]).toBe("main");
    expect(JSON.stringify(pod.spec)).not.toContain(sourceUrl);
    expect(pod.spec.containers[0]?.env.find((e) => e.name === "PGSSLMODE")?.value).toBe("verify-full");
    // On the tenant's own pool, as its migrator.
    expect(pod.spec.nodeSelector).toEqual({ "tenantctl.io/node-pool": "general" });
    expect(await secretKey()).toBe(sourceKey);
    const kept = await get<{ data: Record<string, string> }>(
      `/api/v1/namespaces/${NS}/secrets/${/previous one is kept in Secret (\S+)/.exec(r.err)?.[1] ?? /kept in Secret (\S+)/.exec(r.out)?.[1]}`,
    );
    expect(Buffer.from(kept.body.data.encryptionKey ?? "", "base64").toString("utf8")).toBe(previous);
    for (const name of ["n8n-main", "n8n-worker", "n8n-webhook"])
      expect(await replicas(name), name).toBeGreaterThan(0);
    // The source's URL (its password) is gone with the Job's end.
    expect(await importSources()).toEqual([]);
  }, 600_000);

  it("leaves the workloads at zero and says so when the restore fails", async () => {
    const played = kubelet("Failed");
    const r = await importWith(keyFile);
    await played;
    expect(r.code).toBe(1);
    expect(r.err).toContain("import/job-failed");
    expect(r.err).toContain("workloads stay at zero");
    expect(await replicas("n8n-main")).toBe(0);
    expect(await importSources()).toEqual([]);
  }, 600_000);
});
