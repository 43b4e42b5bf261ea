/**
 * One platform across both layers: verify --aws judges the synthesized templates beside the
 * rendered manifests. The reviewed platforms pass; each hostile or careless edit of a
 * template (as someone would hand-edit it before `cdk deploy`) is caught by its rule.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAwsLayer } from "../../src/verify/aws/templates.js";
import { verify } from "../../src/verify/engine.js";
import { platform } from "../support/platforms.js";
import { synthesized } from "../support/aws.js";

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: unknown;
  Resource?: unknown;
  Principal?: unknown;
}
interface Props {
  Name?: string;
  AddonName?: string;
  GroupName?: string;
  KmsKeyId?: unknown;
  ConfigurationValues?: string;
  PolicyDocument: { Statement: Statement[] };
  AssumeRolePolicyDocument: { Statement: Statement[] };
  SecurityGroupIngress: Record<string, unknown>[];
}
type Template = { Resources: Record<string, { Type: string; Properties: Props; DeletionPolicy?: string }> };

async function verifyEdited(name: "example" | "shared-services", part: string, edit: (t: Template) => void) {
  const s = await synthesized(name);
  const copy = join(mkdtempSync(join(tmpdir(), "tenantctl-aws-edit-")), "aws");
  cpSync(s.directory, copy, { recursive: true });
  const stack = s.result.stacks.find((x) => x.name.endsWith(`-${part}`));
  if (stack === undefined) throw new Error(part);
  const file = join(copy, stack.file);
  const template = JSON.parse(readFileSync(file, "utf8")) as Template;
  edit(template);
  writeFileSync(file, JSON.stringify(template));
  const { model, objects } = platform(name);
  return verify({ model, objects, aws: await loadAwsLayer(copy) });
}

/** The statements with this Sid in the template's IAM policies, to edit in place. */
function statements(t: Template, sid: string): Statement[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === "AWS::IAM::Policy")
    .flatMap((r) => r.Properties.PolicyDocument.Statement)
    .filter((st) => st.Sid === sid);
}

const awsFindings = (report: ReturnType<typeof verify>) =>
  report.findings.filter((f) => f.rule.startsWith("aws-"));

describe("verify --aws", () => {
  for (const name of ["example", "shared-services"] as const) {
    it(`finds the ${name} platform's two layers in agreement`, async () => {
      // GIVEN the manifests and the AWS layer of one spec WHEN verify judges them together
      const { model, objects } = platform(name);
      const report = verify({ model, objects, aws: await (await synthesized(name)).layer() });
      // THEN no aws-* rule has anything to say
      expect(awsFindings(report)).toEqual([]);
    });
  }

  it("catches an internal zone's role that can read a customer zone's secrets", async () => {
    const report = await verifyEdited("example", "zone-internal", (t) => {
      for (const st of statements(t, "ReadZoneSecrets"))
        st.Resource = "arn:aws:secretsmanager:eu-central-1:111122223333:secret:*";
    });
    const found = awsFindings(report).find((f) => f.rule === "aws-role-scope");
    expect(found?.message).toContain("including customer-data zone external's secrets");
  });

  it("catches a zone role that trusts more than External Secrets", async () => {
    const report = await verifyEdited("example", "zone-external", (t) => {
      for (const r of Object.values(t.Resources)) {
        const trust =
          r.Type === "AWS::IAM::Role" ? r.Properties.AssumeRolePolicyDocument.Statement[0] : undefined;
        if (trust !== undefined) trust.Principal = { AWS: "*" };
      }
    });
    expect(awsFindings(report).map((f) => f.message)).toContainEqual(expect.stringContaining("trusts *"));
  });

  it("catches a backup role that reaches another tenant's backups", async () => {
    const report = await verifyEdited("example", "tenant-initech", (t) => {
      for (const st of statements(t, "OwnPrefixObjects"))
        st.Resource = "arn:aws:s3:::acme-acme-prod-db-backups/external/*";
    });
    const found = awsFindings(report).find((f) => f.rule === "aws-role-scope");
    expect(found?.tenant).toBe("initech");
    expect(found?.message).toContain("outside arn:aws:s3:::acme-acme-prod-db-backups/external/initech/*");
  });

  it("catches a secret an ExternalSecret reads but no template creates", async () => {
    const report = await verifyEdited("example", "tenant-ops", (t) => {
      t.Resources = Object.fromEntries(
        Object.entries(t.Resources).filter(([, r]) => r.Properties.Name !== "internal/ops/redis"),
      );
    });
    expect(awsFindings(report).map((f) => f.message)).toContainEqual(
      expect.stringContaining('needs the Secrets Manager secret "internal/ops/redis"'),
    );
  });

  it("catches an rds tenant whose database or pod security group no template creates", async () => {
    const report = await verifyEdited("example", "tenant-globex", (t) => {
      t.Resources = Object.fromEntries(
        Object.entries(t.Resources).filter(([, r]) => r.Type !== "AWS::RDS::DBInstance"),
      );
    });
    expect(awsFindings(report).map((f) => f.message)).toContainEqual(
      'tenant globex uses RDS, but no template creates its RDS instance "acme-prod-globex"',
    );
  });

  it("catches NetworkPolicy enforcement switched off in the VPC CNI", async () => {
    const report = await verifyEdited("example", "cluster", (t) => {
      for (const r of Object.values(t.Resources)) {
        if (r.Type === "AWS::EKS::Addon" && r.Properties.AddonName === "vpc-cni")
          r.Properties.ConfigurationValues = "{}";
      }
    });
    expect(awsFindings(report).map((f) => f.rule)).toContain("aws-network-policy-enforcement");
  });

  it('catches a statement on Resource "*" that AWS does not require', async () => {
    const report = await verifyEdited("example", "karpenter", (t) => {
      for (const r of Object.values(t.Resources)) {
        if (r.Type !== "AWS::IAM::Policy") continue;
        r.Properties.PolicyDocument.Statement.push({
          Effect: "Allow",
          Action: "ec2:TerminateInstances",
          Resource: "*",
        });
      }
    });
    expect(awsFindings(report).map((f) => f.message)).toContainEqual(
      expect.stringContaining("may ec2:TerminateInstances on every resource"),
    );
  });

  it("catches data that would go with its stack, a secret under another zone's key, and an RDS instance open to addresses", async () => {
    const edited = await verifyEdited("example", "tenant-globex", (t) => {
      for (const r of Object.values(t.Resources)) {
        if (r.Type === "AWS::SecretsManager::Secret" && r.Properties.Name === "external/globex/n8n") {
          r.DeletionPolicy = "Delete";
          r.Properties.KmsKeyId = "alias/acme-prod/internal";
        }
        if (r.Type === "AWS::EC2::SecurityGroup" && String(r.Properties.GroupName).endsWith("-rds")) {
          r.Properties.SecurityGroupIngress.push({
            IpProtocol: "tcp",
            FromPort: 5432,
            ToPort: 5432,
            CidrIp: "10.0.0.0/16",
          });
        }
      }
    });
    const messages = awsFindings(edited).map((f) => f.message);
    expect(messages).toContainEqual(expect.stringContaining("is deleted when its stack is deleted"));
    expect(messages).toContainEqual(
      expect.stringContaining("not zone external's key alias/acme-prod/external"),
    );
    expect(messages).toContainEqual(expect.stringContaining("admits addresses (10.0.0.0/16)"));
  });
});
