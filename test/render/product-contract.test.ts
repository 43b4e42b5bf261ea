import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import type { Model, TenantModel } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { verify } from "../../src/verify/engine.js";
import { exampleModel } from "../support/example.js";

/**
 * The generic layers follow the product's declaration, not n8n: GIVEN the example with one
 * tenant whose product declares a database only and no workload that reaches the internet,
 * WHEN it is rendered, THEN nothing of a queue or of internet egress is rendered for it, the
 * other tenants are untouched, and verify still finds no error.
 */
const TENANT = "initech";

function withProduct(model: Model, change: (p: TenantModel["product"]) => TenantModel["product"]): Model {
  return {
    ...model,
    tenants: model.tenants.map((t) => (t.name === TENANT ? { ...t, product: change(t.product) } : t)),
  };
}

const base = exampleModel();
const tenant = base.tenants.find((t) => t.name === TENANT);
const databaseOnly = withProduct(base, (p) => ({
  ...p,
  dataServices: ["database"],
  workloads: p.workloads.map((w) => ({
    ...w,
    internet: false,
    talksTo: { ...w.talksTo, dataServices: ["database"] },
  })),
}));
const objectsOf = (model: Model, namespace: string): KubernetesObject[] =>
  renderModel(model)
    .map((o) => o.object)
    .filter((o) => o.metadata.namespace === namespace);

describe("the product contract", () => {
  it("renders a tenant's data services and egress from its product's declaration", () => {
    const namespace = tenant?.namespace ?? "";
    const before = objectsOf(base, namespace);
    const after = objectsOf(databaseOnly, namespace);
    const names = (objects: KubernetesObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    // THEN what the queue and the internet need is gone, and nothing else
    const gone = names(before).filter((n) => !names(after).includes(n));
    expect(gone).toEqual([
      "Deployment/redis",
      "ExternalSecret/n8n-redis-auth",
      "NetworkPolicy/allow-n8n-to-internet",
      "NetworkPolicy/allow-redis",
      "Service/redis",
    ]);
    expect(names(after).filter((n) => !names(before).includes(n))).toEqual([]);
    const toData = after.find((o) => o.metadata.name === "allow-n8n-to-data")?.spec as { egress: unknown[] };
    expect(toData.egress).toEqual([expect.objectContaining({ ports: [{ port: 5432, protocol: "TCP" }] })]);
  });

  it("leaves the other tenants byte for byte as they were", () => {
    const others = (model: Model) =>
      JSON.stringify(renderModel(model).filter((o) => o.tenant !== undefined && o.tenant !== TENANT));
    expect(others(databaseOnly)).toBe(others(base));
  });

  it("keeps the changed platform free of isolation errors", () => {
    const objects = renderModel(databaseOnly).map(({ file, object }) => ({ file, object }));
    const errors = verify({ model: databaseOnly, objects }).findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });
});
