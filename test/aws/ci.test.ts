import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateSpecText } from "../../src/model/load-platform.js";
import { resolveClusters } from "../../src/model/resolve-clusters.js";
import { renderModel } from "../../src/render/render.js";
import { loadAwsLayer } from "../../src/verify/aws/templates.js";
import { VerifyContext } from "../../src/verify/context.js";
import { reportOf } from "../../src/verify/engine.js";
import { synthesize } from "../support/aws.js";
import { lint } from "../support/cfn-lint.js";

const text = readFileSync(new URL("../../examples/clusters.yaml", import.meta.url), "utf8");

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe("the AWS layer for CI: ECR repositories and a push role per product", () => {
  const result = validateSpecText(text, "platform.yaml");
  if (result.spec === undefined) throw new Error("invalid example");
  const [staging, prod] = resolveClusters(result.spec);

  it("lives in the registry cluster's account only, and passes cfn-lint", async () => {
    expect(staging?.registry).toBeUndefined();
    expect(prod?.registry?.pullAccounts).toEqual(["444455556666"]);
    const s = await synthesize(prod as NonNullable<typeof prod>);
    const ci = s.result.stacks.find((x) => x.name.endsWith("-ci"));
    expect(ci).toBeDefined();
    const findings = await lint([join(s.directory, ci?.file ?? "")]);
    expect(findings.filter((l) => /:E\d+:/.test(l))).toEqual([]);
    const resources = (
      JSON.parse(readFileSync(join(s.directory, ci?.file ?? ""), "utf8")) as { Resources: Resources }
    ).Resources;
    const of = (type: string) => Object.values(resources).filter((r) => r.Type === type);

    // THEN one repository per component, scanned, immutable, kept, pullable (never pushable) by staging's account
    const repositories = of("AWS::ECR::Repository");
    expect(repositories.map((r) => r.Properties.RepositoryName).sort()).toEqual([
      "portal/api",
      "portal/worker",
    ]);
    for (const r of repositories) {
      expect(r.Properties.ImageTagMutability).toBe("IMMUTABLE");
      expect(r.Properties.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
      const policy = r.Properties.RepositoryPolicyText as { Statement: Statement[] };
      expect(policy.Statement.flatMap((st) => st.Action)).not.toContain("ecr:PutImage");
    }
    expect(Object.values(resources).filter((r) => r.Type === "AWS::ECR::Repository").length).toBe(2);

    // AND the role trusts exactly main of acme/portal through GitHub's issuer, with exact matching
    const [role] = of("AWS::IAM::Role");
    const trust = (role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]?.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": ["repo:acme/portal:ref:refs/heads/main"],
      },
    });
    expect(role?.Properties.MaxSessionDuration).toBe(3600);

    // AND it may push only to the portal's repositories; the login is the only "*"
    const [policy] = of("AWS::IAM::Policy");
    const statements = (policy?.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const push = statements.find((st) => st.Sid === "PushProductImages");
    expect(push?.Action).toContain("ecr:PutImage");
    expect(JSON.stringify(push?.Resource)).not.toContain('"*"');
    expect((push?.Resource as unknown[]).length).toBe(2);
    const wide = statements.filter((st) => JSON.stringify(st.Resource) === '"*"');
    expect(wide.map((st) => st.Action)).toEqual(["ecr:GetAuthorizationToken"]);
  });

  it("refuses ci: naming an unknown product or cluster, with a did-you-mean", () => {
    const bad = text
      .replace("    portal: { repository: acme/portal }", "    portl: { repository: acme/portal }")
      .replace("  registryCluster: prod", "  registryCluster: prd");
    const errors = validateSpecText(bad, "platform.yaml").diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.hint])).toEqual([
      ["spec/unknown-cluster", 'did you mean "prod"?'],
      ["spec/unknown-product", 'did you mean "portal"?'],
    ]);
  });
});

describe("verify --aws: the CI roles (aws-ci-role-scope)", () => {
  const result = validateSpecText(text, "platform.yaml");
  if (result.spec === undefined) throw new Error("invalid example");
  const prod = resolveClusters(result.spec)[1] as NonNullable<ReturnType<typeof resolveClusters>[number]>;

  /** The prod layer with the CI template changed by `doctor`, judged by verify. */
  async function findings(doctor: (resources: Resources) => void): Promise<string[]> {
    const s = await synthesize(prod);
    const ci = s.result.stacks.find((x) => x.name.endsWith("-ci"));
    const file = join(s.directory, ci?.file ?? "");
    const template = JSON.parse(readFileSync(file, "utf8")) as { Resources: Resources };
    doctor(template.Resources);
    writeFileSync(file, JSON.stringify(template));
    const input = { model: prod, objects: renderModel(prod), aws: await loadAwsLayer(s.directory) };
    return reportOf(new VerifyContext(input))
      .findings.filter((f) => f.rule === "aws-ci-role-scope")
      .map((f) => f.message);
  }
  const role = (r: Resources) =>
    Object.values(r).find((x) => x.Type === "AWS::IAM::Role") as Resources[string];
  const trust = (r: Resources) =>
    (role(r).Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement[0] as Statement;
  const push = (r: Resources) =>
    (
      Object.values(r).find((x) => x.Type === "AWS::IAM::Policy")?.Properties.PolicyDocument as {
        Statement: Statement[];
      }
    ).Statement.find((st) => st.Sid === "PushProductImages") as Statement;

  it("passes what tenantctl synthesizes", async () => {
    expect(await findings(() => {})).toEqual([]);
  });

  it("catches a trust widened to a pattern, or to a repository the spec does not name", async () => {
    const widened = await findings((r) => {
      const t = trust(r);
      t.Condition = {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" },
      };
    });
    expect(widened).toEqual([
      expect.stringMatching(
        /acme-prod-ci-portal may be assumed with a web identity without an exact audience and subject/,
      ),
    ]);
    const other = await findings((r) => {
      const equals = (trust(r).Condition as { StringEquals: Record<string, unknown> }).StringEquals;
      equals["token.actions.githubusercontent.com:sub"] = [
        "repo:acme/portal:ref:refs/heads/main",
        "repo:acme/shop:ref:refs/heads/main",
      ];
    });
    expect(other).toEqual([
      expect.stringMatching(
        /may be assumed by repo:acme\/shop:ref:refs\/heads\/main, which ci\.repositories\.portal does not name/,
      ),
    ]);
  });

  it("catches a push statement on every repository", async () => {
    const found = await findings((r) => {
      push(r).Resource = "*";
    });
    expect(found).toEqual([
      expect.stringMatching(/acme-prod-ci-portal may push images to \*, outside portal\/\*/),
    ]);
  });
});
