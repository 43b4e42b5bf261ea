import { createHash } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { toYamlStream } from "../../src/manifest/serialize.js";
import { validSpec } from "../support/example.js";
import { PLATFORMS } from "../support/platforms.js";

/**
 * The shared-services platform (zone-shared PostgreSQL and Redis, `secrets.provider: generated`)
 * on the real control plane: its zone objects are accepted by the real CRDs, and apply creates
 * each secret once with random values and never overwrites it.
 */
const admin = KubeClient.fromKubeconfig({ kubeconfig: inject("kubeconfig") });
const text = PLATFORMS.find((p) => p.name === "shared-services")?.text() ?? "";
const spec = validSpec(text);
const model = resolve(spec);
// The tenants and zones only: this cluster's node pools and policies are the example platform's.
const objects = render(spec).filter((o) => o.file.startsWith("tenants/") || o.file.startsWith("zones/"));
afterAll(() => admin.close());

type Secret = { data: Record<string, string>; metadata: { annotations?: Record<string, string> } };
const secret = async (ns: string, name: string) =>
  (await admin.call<Secret>("GET", `/api/v1/namespaces/${ns}/secrets/${name}`)).body;
const value = (s: Secret, key: string) => Buffer.from(s.data[key] ?? "", "base64").toString("utf8");

describe.sequential("generated secrets", () => {
  it("creates every secret once, with random values that appear in no rendered file", async () => {
    const report = await applyPlatform(admin, model, objects);
    expect(report.results.filter((r) => r.outcome === "failed")).toEqual([]);
    const created = report.results.filter((r) => r.ref.kind === "Secret" && r.outcome === "created");
    // 4 per tenant, a database role per `database` tenant in its zone, one ACL file per zone with `acl` tenants.
    expect(created).toHaveLength(4 * 4 + 3 + 2);
    const key = await secret("tenant-hr", "n8n-encryption-key");
    expect(value(key, "encryptionKey")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.metadata.annotations?.["tenantctl.io/data-bearing"]).toBe("true");
    expect(toYamlStream(objects)).not.toContain(value(key, "encryptionKey"));
  });

  it("never overwrites them on the next apply", async () => {
    const before = value(await secret("tenant-finance", "n8n-db-app"), "password");
    const report = await applyPlatform(admin, model, objects);
    expect(
      report.results
        .filter((r) => r.outcome !== "unchanged")
        .map((r) => `${r.outcome} ${r.ref.kind} ${r.ref.name}`),
    ).toEqual([]);
    expect(value(await secret("tenant-finance", "n8n-db-app"), "password")).toBe(before);
  });

  it("gives a shared-database tenant's role in the zone the tenant's own password", async () => {
    const tenantSide = await secret("tenant-finance", "n8n-db-app");
    const zoneSide = await secret("zone-staff-data", "db-finance");
    expect(value(zoneSide, "username")).toBe(
      model.tenants.find((t) => t.name === "finance")?.sharedDataIdentifier,
    );
    expect(value(zoneSide, "password")).toBe(value(tenantSide, "password"));
  });

  it("writes only password hashes into the shared Redis ACL file, one user per tenant, confined to its prefix", async () => {
    const acl = value(await secret("zone-clients-data", "shared-redis-acl"), "users.acl");
    const password = value(await secret("tenant-acme-customer", "n8n-redis-auth"), "password");
    expect(acl).not.toContain(password);
    const hash = createHash("sha256").update(password).digest("hex");
    expect(acl).toContain(
      `user n8n-acme-customer on #${hash} resetkeys resetchannels ~n8n-acme-customer:* &n8n-acme-customer:*`,
    );
    expect(acl.split("\n")[0]).toBe("user default off");
  });

  it("has the zone's shared database with a managed role and a Database per tenant accepted by the real CRDs", async () => {
    const cluster = (
      await admin.call<{ spec: { managed: { roles: { name: string }[] } } }>(
        "GET",
        "/apis/postgresql.cnpg.io/v1/namespaces/zone-staff-data/clusters/shared-db",
      )
    ).body;
    expect(cluster.spec.managed.roles.map((r) => r.name)).toEqual(
      ["hr", "finance"].map((n) => model.tenants.find((t) => t.name === n)?.sharedDataIdentifier),
    );
    const db = await admin.request(
      "GET",
      "/apis/postgresql.cnpg.io/v1/namespaces/zone-staff-data/databases/n8n-finance",
    );
    expect(db.status).toBe(200);
  });
});
