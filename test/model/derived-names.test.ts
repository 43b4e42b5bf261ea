import { describe, expect, it } from "vitest";
import { derivedNames, nameCollisions } from "../../src/model/derived-names.js";
import { resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { validateSpecText } from "../../src/model/load-platform.js";

const spec = (tenants: string[], zones = ["internal"], extra = "") =>
  [
    "apiVersion: tenantctl/v1alpha1",
    "kind: Platform",
    "metadata: { name: acme }",
    'cluster: { name: acme-prod, region: eu-central-1, domain: n8n.acme.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }',
    'gitops: { repoURL: "https://git.acme.example/p.git", targetRevision: main, path: rendered }',
    "secrets: { provider: generated }",
    "zones:",
    ...zones.map((z) => `  ${z}: { customerData: false, allowSharedDataServices: true }`),
    "tenants:",
    ...tenants.map((t) => `  - { name: ${t}, zone: ${zones[0]}${extra} }`),
  ].join("\n");

describe("every derived name is unique", () => {
  it("keeps a-b and a--b, x and x-platform apart in every derived name, and renders them", () => {
    const result = validateSpecText(
      spec(
        ["a-b", "a--b", "x", "x-platform"],
        ["internal"],
        ", database: { isolation: database }, redis: { isolation: instance }",
      ),
      "p.yaml",
    );
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const names = derivedNames(result.spec as never);
    expect(nameCollisions(names)).toEqual([]);
    const files = renderModel(resolve(result.spec as never)).map((o) => o.file);
    expect(new Set(files).size).toBe(files.length);
  });

  it("gives two long zone names two IAM roles (a hash, not a cut at 64 characters)", () => {
    const long = "z".repeat(50);
    const result = validateSpecText(spec(["t"], [`${long}-a`, `${long}-b`]), "p.yaml");
    const roles = derivedNames(result.spec as never).filter((n) => n.space === "IAM role");
    expect(roles).toHaveLength(2);
    expect(roles[0]?.name).not.toBe(roles[1]?.name);
    for (const r of roles) expect(r.name.length).toBeLessThanOrEqual(64);
  });

  it("fails when two owners derive one name, with a diagnostic at each owner naming the other", () => {
    const found = nameCollisions([
      { space: "namespace", name: "tenant-x", owner: ["tenants", 0, "name"], ownerText: "tenants[0] (x)" },
      { space: "namespace", name: "tenant-x", owner: ["tenants", 3, "name"], ownerText: "tenants[3] (y)" },
      { space: "Argo CD application", name: "tenant-x", owner: ["zones", "x"], ownerText: "zone x" },
    ]);
    expect(found.map((d) => [d.code, d.path, d.message])).toEqual([
      [
        "spec/name-collision",
        ["tenants", 0, "name"],
        'tenants[0] (x) and tenants[3] (y) derive the same namespace name "tenant-x"; the two would overwrite or prune each other',
      ],
      [
        "spec/name-collision",
        ["tenants", 3, "name"],
        'tenants[3] (y) and tenants[0] (x) derive the same namespace name "tenant-x"; the two would overwrite or prune each other',
      ],
    ]);
  });
});
