/**
 * The one value render takes back from a deployed AWS layer: the security groups of `rds`
 * tenants' pods, from `cdk deploy --outputs-file`. With them each rds tenant gets its
 * SecurityGroupPolicy; without them it gets none (its pods cannot reach RDS: the safe side)
 * and the user is told why.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli.js";

const spec = new URL("../../examples/platform.yaml", import.meta.url).pathname;
const policyFile = "tenants/globex/platform/securitygrouppolicy-database-access.yaml";

function outputsFile(globex: Record<string, string>): string {
  const file = join(mkdtempSync(join(tmpdir(), "tenantctl-outputs-")), "aws-outputs.json");
  writeFileSync(
    file,
    JSON.stringify({
      "acme-acme-prod-cluster": { ClusterSecurityGroupId: "sg-0123456789abcdef0" },
      "acme-acme-prod-tenant-globex": globex,
    }),
  );
  return file;
}

describe("render --aws-outputs", () => {
  it("gives the rds tenant's app pods the cluster group and its own group", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tenantctl-render-")), "rendered");
    const r = await run(
      "render",
      spec,
      "--out",
      out,
      "--aws-outputs",
      outputsFile({ PodSecurityGroupId: "sg-0fedcba9876543210" }),
    );
    expect(r.code).toBe(0);
    const policy = parse(readFileSync(join(out, policyFile), "utf8"));
    expect(policy).toMatchObject({
      apiVersion: "vpcresources.k8s.aws/v1beta1",
      kind: "SecurityGroupPolicy",
      metadata: { namespace: "tenant-globex" },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "n8n" } },
        securityGroups: { groupIds: ["sg-0123456789abcdef0", "sg-0fedcba9876543210"] },
      },
    });
  });

  it("leaves the policy out, and says so, when the tenant's group is missing or not a group id", async () => {
    for (const globex of [{}, { PodSecurityGroupId: "sg-1; rm -rf /" }]) {
      const out = join(mkdtempSync(join(tmpdir(), "tenantctl-render-")), "rendered");
      const r = await run("render", spec, "--out", out, "--aws-outputs", outputsFile(globex));
      expect(r.code).toBe(0);
      expect(r.err).toContain("aws/pod-security-group-missing");
      expect(() => readFileSync(join(out, policyFile))).toThrow();
    }
  });

  it("tells the user without outputs, and refuses a file that is not an outputs file", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tenantctl-render-")), "rendered");
    const plain = await run("render", spec, "--out", out);
    expect(plain.err).toContain("globex uses RDS");
    const bad = join(mkdtempSync(join(tmpdir(), "tenantctl-outputs-")), "x.json");
    writeFileSync(bad, JSON.stringify({ stack: { key: 1 } }));
    const refused = await run("render", spec, "--out", out, "--aws-outputs", bad);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("aws/outputs-unreadable");
  });
});
