/**
 * n8n's expression engine per tenant: isolated (`vm`) by default with its pool sized per
 * process, `legacy` only when asked (and a warning where customer data is), and the same
 * variables in the cluster and in the local runtime.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateSpecText } from "../../src/model/load-platform.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { buildLocalLayout } from "../../src/runtime/local/local-plan.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { validSpec } from "../support/example.js";
import { exampleWith } from "../support/spec-text.js";

type Container = { name: string; env?: { name: string; value?: string }[] };

function engineEnv(text: string, tenant: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const { object } of render(validSpec(text))) {
    if (object.kind !== "Deployment" || object.metadata.namespace !== `tenant-${tenant}`) continue;
    const containers = (object.spec as { template: { spec: { containers: Container[] } } }).template.spec
      .containers;
    const n8n = containers.find((c) => c.name === "n8n");
    if (n8n === undefined) continue;
    out.set(
      object.metadata.name,
      Object.fromEntries(
        (n8n.env ?? [])
          .filter((e) => e.name.startsWith("N8N_EXPRESSION_ENGINE"))
          .map((e) => [e.name, e.value ?? ""]),
      ),
    );
  }
  return out;
}

const withOps = (expressions: Record<string, unknown>) =>
  exampleWith((doc) => doc.setIn(["tenants", 0, "n8n"], doc.createNode({ expressions })));

describe("n8n's expression engine", () => {
  it("isolates expressions by default: one isolate on main and webhook, one per half CPU of a worker's limit", () => {
    const env = engineEnv(withOps({}), "ops");
    expect(env.get("n8n-main")).toEqual({
      N8N_EXPRESSION_ENGINE: "vm",
      N8N_EXPRESSION_ENGINE_POOL_SIZE: "1",
      N8N_EXPRESSION_ENGINE_TIMEOUT: "5000",
      N8N_EXPRESSION_ENGINE_MEMORY_LIMIT: "128",
      N8N_EXPRESSION_ENGINE_COMPILE_CACHE: "true",
    });
    // The worker's limit is 1 CPU: 2 isolates (its concurrency, 10, allows them).
    expect(env.get("n8n-worker")?.N8N_EXPRESSION_ENGINE_POOL_SIZE).toBe("2");
    expect(env.get("n8n-webhook")?.N8N_EXPRESSION_ENGINE_POOL_SIZE).toBe("1");
  });

  it("keeps the compiled runtime only on releases that have the setting (2.40 and later), unless told not to", () => {
    const cache = (expressions: Record<string, unknown>, version: string) =>
      engineEnv(
        exampleWith((doc) => doc.setIn(["tenants", 0, "n8n"], doc.createNode({ version, expressions }))),
        "ops",
      ).get("n8n-worker")?.N8N_EXPRESSION_ENGINE_COMPILE_CACHE;
    expect(cache({}, "2.40.0")).toBe("true");
    expect(cache({ compileCache: false }, "2.41.1")).toBe("false");
    expect(cache({}, "2.39.10")).toBeUndefined();
    expect(cache({}, "1.123.81")).toBeUndefined();
  });

  it("takes the tenant's pool, timeout and memory, and sets nothing but the engine for legacy", () => {
    const sized = engineEnv(withOps({ poolSize: 4, timeoutMs: 2000, memoryLimitMb: 256 }), "ops");
    for (const role of ["n8n-main", "n8n-worker", "n8n-webhook"]) {
      expect(sized.get(role)).toMatchObject({
        N8N_EXPRESSION_ENGINE_POOL_SIZE: "4",
        N8N_EXPRESSION_ENGINE_TIMEOUT: "2000",
        N8N_EXPRESSION_ENGINE_MEMORY_LIMIT: "256",
      });
    }
    const legacy = engineEnv(withOps({ engine: "legacy" }), "ops");
    expect(legacy.get("n8n-worker")).toEqual({ N8N_EXPRESSION_ENGINE: "legacy" });
  });

  it("warns when a customer-data zone's tenant runs expressions without isolation, and only there", () => {
    const external = exampleWith((doc) =>
      doc.setIn(["tenants", 2, "n8n"], doc.createNode({ expressions: { engine: "legacy" } })),
    );
    const warned = validateSpecText(external, "platform.yaml");
    expect(warned.spec).toBeDefined();
    expect(warned.diagnostics.map((d) => [d.code, d.severity, d.path.join(".")])).toContainEqual([
      "spec/legacy-expression-engine-with-customer-data",
      "warning",
      "tenants.2.n8n.expressions.engine",
    ]);
    const internal = validateSpecText(withOps({ engine: "legacy" }), "platform.yaml");
    expect(internal.diagnostics.map((d) => d.code)).not.toContain(
      "spec/legacy-expression-engine-with-customer-data",
    );
  });

  it("gives the local runtime's processes exactly the variables the cluster's containers get", async () => {
    const text = withOps({ poolSize: 3, timeoutMs: 1500 });
    const cluster = engineEnv(text, "ops");
    const root = mkdtempSync(join(tmpdir(), "tenantctl-engine-"));
    try {
      const model = resolve(validSpec(text));
      const layout = await buildLocalLayout(
        new StateDir(root),
        model,
        model.tenants.filter((t) => t.name === "ops"),
      );
      const local = (name: string) =>
        Object.fromEntries(
          Object.entries(layout.plan.services.find((s) => s.name === name)?.env ?? {}).filter(([k]) =>
            k.startsWith("N8N_EXPRESSION_ENGINE"),
          ),
        );
      expect(local("n8n:ops:main")).toEqual(cluster.get("n8n-main"));
      expect(local("n8n:ops:worker-1")).toEqual(cluster.get("n8n-worker"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
