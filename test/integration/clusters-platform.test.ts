import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { resolveClusters } from "../../src/model/resolve-clusters.js";
import { renderModel } from "../../src/render/render.js";

/**
 * The two-cluster example (examples/clusters.yaml) against the real control plane: each
 * cluster's Argo CD objects (manual sync and sync windows in production) are accepted by Argo
 * CD's CRDs with Strict field validation, and staging's portal tenant applies. The control
 * plane is one cluster shared with the other tests: the Argo CD objects go through a
 * server-side dry run in a namespace of their own (the example platform owns argocd's "acme-*").
 */
const admin = KubeClient.fromKubeconfig({ kubeconfig: inject("kubeconfig") });
/** A namespace of this test's own for the dry runs (argocd is the example platform's to create). */
const NAMESPACE = "dryrun-argocd";
beforeAll(async () => {
  const r = await admin.request("POST", "api/v1/namespaces", {
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } },
  });
  if (r.status !== 201 && r.status !== 409)
    throw new Error(`cannot create ${NAMESPACE}: ${JSON.stringify(r.body)}`);
});
afterAll(async () => {
  await admin.request("DELETE", `api/v1/namespaces/${NAMESPACE}`);
  admin.close();
});

const result = validateSpecText(
  readFileSync(new URL("../../examples/clusters.yaml", import.meta.url), "utf8"),
  "p",
);
if (result.spec === undefined) throw new Error("examples/clusters.yaml is invalid");
const models = resolveClusters(result.spec);

describe.sequential("two clusters from one spec on a real kube-apiserver", () => {
  for (const model of models) {
    it(`accepts ${model.cluster.name}'s Argo CD projects, application sets and root application (Strict)`, async () => {
      const argo = renderModel(model).filter((o) => o.object.apiVersion.startsWith("argoproj.io/"));
      expect(argo.map((o) => o.object.kind).sort()).toContain("AppProject");
      const refused: string[] = [];
      for (const { object } of argo) {
        const info = await admin.resourceFor(object.apiVersion, object.kind);
        if (info === undefined) throw new Error(`no ${object.kind} CRD on the control plane`);
        const renamed = { ...object, metadata: { ...object.metadata, namespace: NAMESPACE } };
        const r = await admin.request("POST", admin.path(info, NAMESPACE), {
          body: renamed,
          query: { dryRun: "All", fieldValidation: "Strict" },
        });
        if (r.status !== 201)
          refused.push(`${object.kind}/${object.metadata.name}: ${JSON.stringify(r.body)}`);
      }
      expect(refused).toEqual([]);
    });
  }

  it("does refuse a sync window with a misspelt field (the CRD's schema is what judges them)", async () => {
    const prod = models[1];
    if (prod === undefined) throw new Error("no prod");
    const project = renderModel(prod).find((o) => o.object.kind === "AppProject")?.object;
    if (project === undefined) throw new Error("no AppProject");
    const spec = structuredClone(project.spec) as { syncWindows: Record<string, unknown>[] };
    const window = spec.syncWindows[0] as Record<string, unknown>;
    window.schedul = window.schedule;
    delete window.schedule;
    const info = await admin.resourceFor(project.apiVersion, project.kind);
    if (info === undefined) throw new Error("no AppProject CRD");
    const r = await admin.request("POST", admin.path(info, NAMESPACE), {
      body: { ...project, metadata: { ...project.metadata, namespace: NAMESPACE }, spec },
      query: { dryRun: "All", fieldValidation: "Strict" },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain("schedul");
  });

  it("applies staging's portal tenant (its own namespace, quota, policies, stack)", async () => {
    const staging = models[0];
    if (staging === undefined) throw new Error("no staging");
    const objects = renderModel(staging).filter((o) => o.tenant === "portal-globex");
    const report = await applyPlatform(admin, staging, objects, { withGitOps: false });
    expect(report.results.filter((r) => r.outcome !== "created" && r.outcome !== "unchanged")).toEqual([]);
    expect(report.results.length).toBe(objects.length);
  });
});
