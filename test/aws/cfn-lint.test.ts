/**
 * Every synthesized template passes cfn-lint (AWS's own CloudFormation linter, from PyPI,
 * installed by scripts/test into a virtual environment in the cache) with zero errors.
 * Warnings are reported, and only the acknowledged W3010 (named availability zones) is
 * expected.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { synthesized } from "../support/aws.js";

const run = promisify(execFile);

function cfnLint(): string {
  const path =
    process.env.TENANTCTL_CFN_LINT ?? join(homedir(), ".cache/tenantctl/venv-cfn-lint-1.58.0/bin/cfn-lint");
  if (!existsSync(path))
    throw new Error(
      `cfn-lint is not installed (${path}); run: bash -c 'source scripts/lib.sh; ensure_cfn_lint'`,
    );
  return path;
}

/** cfn-lint's findings, one `file:line:col:...:RULE:message` line each (it exits non-zero when there are any). */
async function lint(files: string[]): Promise<string[]> {
  try {
    const { stdout } = await run(cfnLint(), ["--format", "parseable", ...files], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.split("\n").filter(Boolean);
  } catch (error) {
    const { stdout, code } = error as { stdout?: string; code?: number };
    if (stdout === undefined || typeof code !== "number") throw error;
    return stdout.split("\n").filter(Boolean);
  }
}

describe("cfn-lint", () => {
  for (const name of ["example", "shared-services"] as const) {
    it(`finds no error in any template of ${name}`, async () => {
      const s = await synthesized(name);
      const findings = await lint(s.result.stacks.map((x) => join(s.directory, x.file)));
      const rules = findings.map((l) => l.split(":").at(-2) ?? "");
      expect(findings.filter((_, i) => rules[i]?.startsWith("E"))).toEqual([]);
      expect(new Set(rules.filter((r) => !r.startsWith("E")))).toEqual(new Set(["W3010"]));
    });
  }

  it("does catch an error (the linter runs and reads our templates)", async () => {
    const s = await synthesized("example");
    const { writeFileSync, readFileSync } = await import("node:fs");
    const broken = join(s.directory, "..", "broken.template.json");
    const template = JSON.parse(readFileSync(join(s.directory, s.result.stacks[0]?.file ?? ""), "utf8"));
    template.Resources.Vpc8378EB38 = { Type: "AWS::EC2::VPC", Properties: { CidrBlock: 42, Bogus: true } };
    writeFileSync(broken, JSON.stringify(template));
    expect((await lint([broken])).some((l) => /:E\d+:/.test(l))).toBe(true);
  });
});
