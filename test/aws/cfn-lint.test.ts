/**
 * Every synthesized template passes cfn-lint (AWS's own CloudFormation linter, from PyPI,
 * installed by scripts/test into a virtual environment in the cache) with zero errors.
 * Warnings are reported, and only the acknowledged W3010 (named availability zones) is
 * expected.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthesized } from "../support/aws.js";
import { lint } from "../support/cfn-lint.js";

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
