/**
 * `tenantctl aws synth` as a user meets it: the reviewed templates byte for byte (golden),
 * the same bytes with the network off, cdk-nag failing synth on a finding nobody
 * acknowledged, and clear errors instead of half-written output.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as s3 from "aws-cdk-lib/aws-s3";
import { describe, expect, it } from "vitest";
import { platformApp } from "../../src/aws/synth.js";
import { NAG_ACKNOWLEDGEMENTS } from "../../src/aws/nag.js";
import { readTree, updating, writeTree } from "../support/golden.js";
import { platform } from "../support/platforms.js";
import { run } from "../support/cli.js";
import { synthesized } from "../support/aws.js";
import { exampleSpecText } from "../support/spec-text.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const goldenRoot = (name: string) => join(repo, "test", "golden", "aws", name);

describe("aws synth: output", () => {
  for (const name of ["example", "shared-services", "products"] as const) {
    it(`writes exactly the reviewed templates for ${name}`, async () => {
      // GIVEN the platform WHEN its AWS layer is synthesized
      const actual = (await synthesized(name)).texts();
      if (updating) writeTree(goldenRoot(name), actual);
      // THEN every template matches the golden one byte for byte (asset hashes and names are deterministic)
      const expected = readTree(goldenRoot(name));
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [file, text] of actual) expect(text, file).toBe(expected.get(file));
    });
  }

  it("synthesizes the same templates with the network off (no credentials, no look-ups)", () => {
    // GIVEN a process in a network namespace of its own (only loopback, and that down)
    const out = join(mkdtempSync(join(tmpdir(), "tenantctl-offline-")), "aws");
    execFileSync(
      "unshare",
      [
        "--net",
        process.execPath,
        join(repo, "bin", "tenantctl.js"),
        "aws",
        "synth",
        join(repo, "examples", "platform.yaml"),
        "--out",
        out,
      ],
      { stdio: "pipe", env: { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_PROFILE: "", AWS_REGION: "" } },
    );
    // THEN its templates are the reviewed ones
    const expected = readTree(goldenRoot("example"));
    const written = readdirSync(out).filter((f) => f.endsWith(".template.json"));
    expect(written.sort()).toEqual([...expected.keys()].sort());
    for (const [file, text] of readTree(out))
      if (file.endsWith(".template.json")) expect(text, file).toBe(expected.get(file));
  });

  it("prints the stacks and the next step", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tenantctl-cli-")), "aws");
    const r = await run("aws", "synth", join(repo, "examples", "platform.yaml"), "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/synthesized 10 stacks, \d+ resources/);
    expect(r.out).toContain("acme-acme-prod-tenant-globex");
    expect(r.out).toContain(`cdk deploy --app ${out} --all`);
    expect(r.err).toContain("synthesizing and checking with cdk-nag");
  });
});

describe("aws synth: refusals", () => {
  it("fails on a cdk-nag finding nobody acknowledged", () => {
    // GIVEN the example's stacks and one resource tenantctl would never write (an unencrypted-by-KMS, unlogged bucket)
    const { app, stacks } = platformApp(
      platform("example").model,
      mkdtempSync(join(tmpdir(), "tenantctl-nag-")),
    );
    new s3.Bucket(stacks.shared, "Careless");
    // WHEN it is synthesized THEN cdk-nag's AwsSolutions findings on it stop synth
    expect(() => app.synth()).toThrow(/S3 Bucket has server access logs disabled/);
  });

  it("lists every acknowledgement with its reason, in the README too", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    for (const [key, ack] of Object.entries(NAG_ACKNOWLEDGEMENTS)) {
      expect(ack.reason.length, key).toBeGreaterThan(40);
      expect(ack.id, key).toMatch(/^(AwsSolutions::AwsSolutions|CloudFormation-Validate::)/);
      expect(readme, key).toContain(`| \`${ack.id.replace(/^.*::/, "")}\` | ${ack.where} | ${ack.reason} |`);
    }
  });

  it("refuses a platform without admins, and a VPC too small, before writing anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-refuse-"));
    const spec = join(dir, "platform.yaml");
    const text = exampleSpecText()
      .replace(/  adminRoleArns: .*\n/, "")
      .replace(
        '  awsAccountId: "111122223333"\n',
        '  awsAccountId: "111122223333"\n  vpcCidr: 10.0.0.0/24\n',
      );
    (await import("node:fs")).writeFileSync(spec, text);
    const r = await run("aws", "synth", spec, "--out", join(dir, "aws"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("aws/no-admins");
    expect(r.err).toContain("aws/vpc-too-small");
    expect(existsSync(join(dir, "aws"))).toBe(false);
  });
});

describe("aws synth: names AWS accepts", () => {
  it("keeps the access-log bucket within 63 characters and never ends the cut in a dot or hyphen", async () => {
    const { accessLogBucketName } = await import("../../src/aws/stacks/shared.js");
    const long = `${"a".repeat(50)}.b-${"c".repeat(9)}`;
    const name = accessLogBucketName(long);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/);
    expect(name).not.toMatch(/[.-]-access-logs$/);
    expect(accessLogBucketName("acme-acme-prod-db-backups")).toBe("acme-acme-prod-db-backups-access-logs");
  });
});
