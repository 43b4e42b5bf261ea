import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { verify } from "../../src/verify/engine.js";
import { validSpec } from "../support/example.js";
import { findObject, renderedGolden } from "../support/golden-render.js";

const { text: TEXT, model, objects, of } = renderedGolden("hibernation");
const find = findObject;
const spec = (o: KubernetesObject) => o.spec as Record<string, unknown>;
const PAUSED = "autoscaling.keda.sh/paused-replicas";

describe("a tenant asleep in the cluster (hibernation.asleep)", () => {
  const list = of("hib-dormant");

  it("holds every n8n workload at zero and pauses its autoscaler there", () => {
    for (const name of ["n8n-main", "n8n-worker", "n8n-webhook"])
      expect(spec(find(list, "Deployment", name)).replicas, name).toBe(0);
    expect(find(list, "ScaledObject", "n8n-worker").metadata.annotations?.[PAUSED]).toBe("0");
  });

  it("hibernates its own database server (the volumes stay), and keeps its data objects", () => {
    const db = find(list, "Cluster", "n8n-db");
    expect(db.metadata.annotations?.["cnpg.io/hibernation"]).toBe("on");
    expect(spec(db).storage).toBeDefined();
  });

  it("pages nobody for the database it hibernated, nor for workers it holds at zero", () => {
    const alerts = (tenant: string) => JSON.stringify(find(of(tenant), "PrometheusRule", "n8n-alerts").spec);
    expect(alerts("hib-busy")).toContain("TenantDatabaseNotReady");
    expect(alerts("hib-dormant")).not.toContain("TenantDatabaseNotReady");
    // Workers at zero on purpose: the alert requires spec replicas above zero.
    expect(alerts("hib-dormant")).toContain("kube_deployment_spec_replicas");
  });
});

describe("a tenant that naps (hibernation.idleAfter, ingress nginx)", () => {
  const list = of("hib-napper");
  const trigger = (o: KubernetesObject) =>
    (spec(o).triggers as { type: string; metadata: Record<string, string> }[]).find(
      (t) => t.type === "prometheus",
    );

  it("scales what its Ingress routes to from zero on the ingress controller's requests for its host", () => {
    for (const name of ["n8n-main", "n8n-webhook"]) {
      const scaler = find(list, "ScaledObject", name);
      expect(spec(scaler)).toMatchObject({ minReplicaCount: 0, cooldownPeriod: 1800 });
      expect(trigger(scaler)?.metadata.query).toBe(
        'sum(rate(nginx_ingress_controller_requests{host=~"hib-napper\\\\.n8n\\\\.sleepers\\\\.example"}[2m]))',
      );
      expect(trigger(scaler)?.metadata.activationThreshold).toBe("0");
      // KEDA owns the count: a replicas in Git would scale it back up on every sync.
      expect(spec(find(list, "Deployment", name))).not.toHaveProperty("replicas");
    }
    expect(spec(find(list, "ScaledObject", "n8n-main")).maxReplicaCount).toBe(1);
  });

  it("turns the webhook processors' HPA into a CPU trigger of their ScaledObject (two scalers would fight)", () => {
    expect(list.some((o) => o.kind === "HorizontalPodAutoscaler")).toBe(false);
    const webhook = spec(find(list, "ScaledObject", "n8n-webhook"));
    expect(webhook.maxReplicaCount).toBe(3);
    expect(webhook.triggers).toContainEqual({
      metadata: { value: "70" },
      metricType: "Utilization",
      type: "cpu",
    });
  });

  it("lets the workers go to zero on their queue trigger alone, and keeps the database running", () => {
    const worker = spec(find(list, "ScaledObject", "n8n-worker"));
    expect(worker.minReplicaCount).toBe(0);
    expect((worker.triggers as { type: string }[]).map((t) => t.type)).toEqual(["redis"]);
    expect(find(list, "Cluster", "n8n-db").metadata.annotations).not.toHaveProperty("cnpg.io/hibernation");
  });

  it("naps a product's tenant the same way: its routed component, its queue consumer", () => {
    const portal = of("hib-portal");
    const web = spec(find(portal, "ScaledObject", "portal-web"));
    expect(web).toMatchObject({ minReplicaCount: 0, cooldownPeriod: 7200 });
    const tasks = spec(find(portal, "ScaledObject", "portal-tasks"));
    expect(tasks.minReplicaCount).toBe(0);
    expect((tasks.triggers as { type: string }[]).map((t) => t.type)).toEqual(["rabbitmq"]);
  });

  it("leaves a tenant without hibernation as it was", () => {
    const list = of("hib-busy");
    expect(spec(find(list, "Deployment", "n8n-main")).replicas).toBe(1);
    expect(find(list, "HorizontalPodAutoscaler", "n8n-webhook")).toBeDefined();
    expect(list.some((o) => o.kind === "ScaledObject" && o.metadata.name === "n8n-main")).toBe(false);
  });

  it("keeps the platform free of isolation errors", () => {
    const errors = verify({
      model,
      objects: objects.map(({ file, object }) => ({ file, object })),
    }).findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });
});

describe("idleAfter behind an ALB", () => {
  const text = TEXT.replace(
    "ingress: { className: nginx, tls: cert-manager, clusterIssuer: letsencrypt }\n",
    "",
  );

  it("warns at the line that the cluster cannot count the tenant's requests, and renders no nap", () => {
    const result = validateSpecText(text, "platform.yaml");
    const warning = result.diagnostics.find((d) => d.code === "spec/idle-needs-request-metrics");
    expect(warning?.severity).toBe("warning");
    expect(warning?.location?.line).toBe(text.split("\n").findIndex((l) => l.includes("idleAfter: 30m")) + 1);
    const napper = renderModel(resolve(validSpec(text))).filter(
      (o) => o.object.metadata.namespace === "tenant-hib-napper",
    );
    expect(
      napper.some((o) => o.object.kind === "ScaledObject" && o.object.metadata.name === "n8n-main"),
    ).toBe(false);
  });
});
