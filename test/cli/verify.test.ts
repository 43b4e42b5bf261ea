import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SPEC_COPY } from "../../src/manifest/directory.js";
import { run } from "../support/cli.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const example = join(repo, "examples", "platform.yaml");

async function renderedExample(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), "tenantctl-verify-cli-")), "rendered");
  const r = await run("render", example, "--out", dir);
  expect(r.code).toBe(0);
  return dir;
}

describe("tenantctl verify", () => {
  it("proves the example from the spec: exit 0, the verdict last", async () => {
    const r = await run("verify", example);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^verify acme: 4 tenants, 233 objects/);
    expect(r.out.trim().split("\n").at(-1)).toBe("isolation holds: 0 errors, 0 warnings");
  });

  it("reads a rendered directory as it is: an edited file fails with exit 1 and names the file", async () => {
    const dir = await renderedExample();
    expect((await run("verify", dir)).code).toBe(0);
    const file = join(dir, "tenants/ops/platform/rolebinding-tenant-admin.yaml");
    const roleRef = "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: tenant-admin\n";
    const text = readFileSync(file, "utf8");
    expect(text).toContain(roleRef);
    writeFileSync(
      file,
      text.replace(roleRef, roleRef.replace("Role", "ClusterRole").replace("tenant-admin", "cluster-admin")),
    );
    const r = await run("verify", dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "error [rbac-admin-binding] RoleBinding tenant-ops/tenant-admin binds the ClusterRole cluster-admin",
    );
    expect(r.out).toContain("(tenants/ops/platform/rolebinding-tenant-admin.yaml)");
  });

  it("reports a broken manifest with file:line:column and no stack trace", async () => {
    const dir = await renderedExample();
    appendFileSync(join(dir, "tenants/ops/platform/role-tenant-admin.yaml"), "  bad: [unclosed\n");
    const r = await run("verify", dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /error \[manifest-unreadable\] tenants\/ops\/platform\/role-tenant-admin\.yaml:\d+:\d+: invalid YAML/,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("asks for the spec when a directory has no spec copy, and takes it with --spec", async () => {
    const dir = await renderedExample();
    rmSync(join(dir, SPEC_COPY));
    const r = await run("verify", dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("verify/no-spec");
    expect(r.err).toContain("--spec");
    expect((await run("verify", dir, "--spec", example)).code).toBe(0);
  });

  it("writes html and sarif reports to files, the summary to stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-verify-out-"));
    for (const format of ["html", "sarif", "json"]) {
      const out = join(dir, `report.${format}`);
      const r = await run("verify", example, "--format", format, "--out", out);
      expect(r.code).toBe(0);
      expect(r.err).toContain(`report written to ${out}`);
      expect(readFileSync(out, "utf8").length).toBeGreaterThan(500);
    }
    expect(readFileSync(join(dir, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("lists every allowed connection with --connectivity", async () => {
    const r = await run("verify", example, "--format", "json", "--connectivity");
    const report = JSON.parse(r.out) as { connectivity: { src: string; dst: string; conn: string }[] };
    expect(report.connectivity).toContainEqual({
      src: "tenant-ops/n8n-worker[Deployment]",
      dst: "tenant-ops/redis[Deployment]",
      conn: "TCP 6379",
    });
    expect(
      report.connectivity.some((c) => c.src.startsWith("tenant-ops/") && c.dst.startsWith("tenant-initech/")),
    ).toBe(false);
  });

  it("rejects an unknown format as a usage error", async () => {
    const r = await run("verify", example, "--format", "pdf");
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format "pdf" is not supported');
  });
});

describe("tenantctl verify --tenancy (manifests tenantctl did not render)", () => {
  const fixtures = join(repo, "test", "verify", "fixtures");
  const dirWith = (policies: string) => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-tenancy-"));
    writeFileSync(join(dir, "world.yaml"), readFileSync(join(fixtures, "world.yaml"), "utf8"));
    writeFileSync(join(dir, "policies.yaml"), readFileSync(join(fixtures, policies), "utf8"));
    return dir;
  };

  it("fails when one namespace's pods reach another's, each namespace a tenant", async () => {
    const r = await run("verify", dirWith("23-both-sides.yaml"), "--tenancy", "namespace");
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "error [cross-tenant-traffic] ns-a/web[Deployment] (tenant ns-a) can connect to ns-b/web[Deployment] (tenant ns-b): TCP 80",
    );
    expect(r.out).not.toContain("pod-security-restricted");
  });

  it("groups namespaces into tenants by a label, and passes when tenants stay apart", async () => {
    const isolated = dirWith("01-default-deny-ingress.yaml");
    const denyAll = (ns: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: ${ns} }\nspec: { podSelector: {}, policyTypes: [Ingress, Egress] }\n`;
    writeFileSync(join(isolated, "policies.yaml"), `${denyAll("ns-a")}---\n${denyAll("ns-b")}`);
    const r = await run("verify", isolated, "--tenancy", "label:team");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^verify manifests: 2 tenants/);
    const open = await run("verify", dirWith("23-both-sides.yaml"), "--tenancy", "label:team");
    expect(open.code).toBe(1);
    expect(open.out).toContain("(tenant a) can connect to ns-b/web[Deployment] (tenant b)");
  });

  it("refuses an unknown tenancy with a usage error", async () => {
    const r = await run("verify", dirWith("01-default-deny-ingress.yaml"), "--tenancy", "pods");
    expect(r.code).toBe(2);
    expect(r.err).toContain("usage/tenancy");
  });
});
