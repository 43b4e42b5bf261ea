import { afterAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeApiError, KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";

/**
 * apply adopts nothing and prunes only what its platform created, on the real API server:
 * a namespace someone made before, with their own ConfigMap and Secret in it; a second spec
 * with the same platform name but another cluster; a namespace that still holds others' objects.
 */
const kubeconfig = inject("kubeconfig");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
afterAll(() => admin.close());

const specText = (cluster: string, tenants: string[]) => `apiVersion: tenantctl/v1alpha1
kind: Platform
metadata: { name: owndemo }
cluster: { name: ${cluster}, region: eu-central-1, domain: own.example.com, kubernetesVersion: "1.34", awsAccountId: "111122223333" }
gitops: { repoURL: https://git.example.com/own.git, targetRevision: main, path: rendered }
zones:
  owninternal: { customerData: false }
tenants: [${tenants.map((t) => `{ name: ${t}, zone: owninternal }`).join(", ")}]
`;
const platform = (cluster: string, tenants: string[]) => {
  const model = resolve(validSpec(specText(cluster, tenants)));
  return { model, objects: renderModel(model) };
};

const exists = async (path: string) => {
  try {
    await admin.call("GET", path);
    return true;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return false;
    throw error;
  }
};

describe.sequential("apply never adopts or prunes what its platform did not create", () => {
  it("refuses a namespace that exists and is someone else's: nothing is applied, every refusal is reported", async () => {
    await admin.call("POST", "/api/v1/namespaces", { body: { metadata: { name: "tenant-ownx" } } });
    await admin.call("POST", "/api/v1/namespaces/tenant-ownx/configmaps", {
      body: { metadata: { name: "theirs" }, data: { keep: "me" } },
    });
    await admin.call("POST", "/api/v1/namespaces/tenant-ownx/secrets", {
      body: { metadata: { name: "theirs" }, stringData: { password: "theirs" } },
    });
    const { model, objects } = platform("acme-prod", ["ownx", "owny"]);
    const report = await applyPlatform(admin, model, objects);
    const refused = report.results.filter((r) => r.outcome === "refused");
    expect(refused.map((r) => r.error)).toContain(
      "Namespace tenant-ownx exists and tenantctl did not create it; tenantctl leaves it alone (pass --adopt Namespace/tenant-ownx to take it over)",
    );
    expect(refused.every((r) => r.ref.kind === "Namespace" || r.ref.namespace === "tenant-ownx")).toBe(true);
    expect(report.results.filter((r) => r.outcome === "created" || r.outcome === "configured")).toEqual([]);
    expect(report.pruneSkipped).toBe(true);
    expect(await exists("/api/v1/namespaces/tenant-owny")).toBe(false);
    const ns = (
      await admin.call<{ metadata: { labels?: Record<string, string> } }>(
        "GET",
        "/api/v1/namespaces/tenant-ownx",
      )
    ).body;
    expect(Object.keys(ns.metadata.labels ?? {}).filter((k) => k.startsWith("tenantctl.io/"))).toEqual([]);
  });

  it("adopts the namespace only when --adopt names it, and then keeps it when the tenant leaves (it holds others' objects)", async () => {
    const { model, objects } = platform("acme-prod", ["ownx", "owny"]);
    const adopted = await applyPlatform(admin, model, objects, { adopt: ["Namespace/tenant-ownx"] });
    expect(adopted.results.filter((r) => r.outcome === "failed" || r.outcome === "refused")).toEqual([]);
    expect(
      adopted.results.find((r) => r.ref.kind === "Namespace" && r.ref.name === "tenant-ownx")?.outcome,
    ).toBe("configured");

    const smaller = platform("acme-prod", ["owny"]);
    const report = await applyPlatform(admin, smaller.model, smaller.objects);
    expect(report.results.filter((r) => r.outcome === "failed" || r.outcome === "refused")).toEqual([]);
    expect(report.keptForContents.map((k) => `${k.ref.kind}/${k.ref.name}: ${k.reason}`)).toContain(
      "Namespace/tenant-ownx: it holds ConfigMap tenant-ownx/theirs, which this platform did not create",
    );
    expect(await exists("/api/v1/namespaces/tenant-ownx/configmaps/theirs")).toBe(true);
    expect(await exists("/api/v1/namespaces/tenant-ownx/secrets/theirs")).toBe(true);
    // What tenantctl created in it, and nothing holds data, is pruned.
    expect(report.pruned.some((r) => r.namespace === "tenant-ownx" && r.kind === "ResourceQuota")).toBe(true);
  });

  it("does not touch a platform of the same name on another cluster: refused, and nothing of the first is pruned", async () => {
    const other = platform("other-cluster", ["owny"]);
    const report = await applyPlatform(admin, other.model, other.objects);
    expect(
      report.results.find((r) => r.ref.kind === "Namespace" && r.ref.name === "tenant-owny")?.error,
    ).toContain("it belongs to owndemo/acme-prod");
    expect(report.pruned).toEqual([]);
    expect(await exists("/api/v1/namespaces/tenant-owny/resourcequotas/tenant-quota")).toBe(true);
  });

  it("keeps a removed tenant's namespace while it holds data, and prunes it entirely with allowDataLoss", async () => {
    const none = platform("acme-prod", []);
    const kept = await applyPlatform(admin, none.model, none.objects);
    expect(
      kept.keptForData.map((r) => `${r.kind}/${r.name}`),
      JSON.stringify([kept.keptForContents, kept.pruned, kept.keptForData]),
    ).toContain("Namespace/tenant-owny");
    expect(kept.keptForData.some((r) => r.kind === "ExternalSecret" && r.namespace === "tenant-owny")).toBe(
      true,
    );
    const report = await applyPlatform(admin, none.model, none.objects, { allowDataLoss: true });
    expect(report.pruned.map((r) => `${r.kind}/${r.name}`)).toContain("Namespace/tenant-owny");
    expect(report.results.filter((r) => r.outcome === "failed")).toEqual([]);
    // The adopted namespace still holds someone else's ConfigMap: even allowDataLoss does not delete it.
    expect(await exists("/api/v1/namespaces/tenant-ownx/configmaps/theirs")).toBe(true);
  });
});
