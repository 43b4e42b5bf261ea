/**
 * The AWS layer's invariants, asserted on the templates `tenantctl aws synth` writes for the
 * two reviewed platforms (CDK Template assertions), and tied to the manifests render writes
 * for the same spec: the names on both sides come from one place, so they must meet.
 */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { VPC_CNI_CONFIGURATION } from "../../src/aws/stacks/cluster.js";
import {
  karpenterInterruptionQueue,
  karpenterNodeRole,
  tenantBackupRole,
  zoneKeyAlias,
  zoneSecretsRole,
} from "../../src/model/names.js";
import { tenantSecrets } from "../../src/model/secrets.js";
import { platform } from "../support/platforms.js";
import { synthesized } from "../support/aws.js";

const example = () => synthesized("example");
const shared = () => synthesized("shared-services");

describe("aws synth: network", () => {
  it("has three zones of private, public and database subnets, tagged for Karpenter and the load balancers", async () => {
    // GIVEN the example platform WHEN its AWS layer is synthesized
    const net = (await example()).template("network");
    // THEN the VPC has the spec's CIDR and nine subnets in three named zones
    net.hasResourceProperties("AWS::EC2::VPC", { CidrBlock: "10.0.0.0/16" });
    net.resourceCountIs("AWS::EC2::Subnet", 9);
    const subnets = Object.values((await example()).json("network").Resources).filter(
      (r) => r.Type === "AWS::EC2::Subnet",
    );
    expect(new Set(subnets.map((s) => s.Properties?.AvailabilityZone))).toEqual(
      new Set(["eu-central-1a", "eu-central-1b", "eu-central-1c"]),
    );
    // AND private subnets carry the discovery and internal-ELB tags, public ones the ELB tag
    const tagged = (key: string) =>
      subnets.filter((s) => (s.Properties?.Tags as { Key: string }[]).some((t) => t.Key === key)).length;
    expect(tagged("karpenter.sh/discovery")).toBe(3);
    expect(tagged("kubernetes.io/role/internal-elb")).toBe(3);
    expect(tagged("kubernetes.io/role/elb")).toBe(3);
    // AND no public subnet hands out public addresses by itself
    for (const s of subnets) expect(s.Properties?.MapPublicIpOnLaunch ?? false).toBe(false);
  });

  it("has a NAT gateway per zone, or one when the spec says so", async () => {
    (await example()).template("network").resourceCountIs("AWS::EC2::NatGateway", 3);
    (await shared()).template("network").resourceCountIs("AWS::EC2::NatGateway", 1);
  });

  it("has endpoints for S3, ECR, STS and Secrets Manager", async () => {
    const net = (await example()).template("network");
    const services = Object.values((await example()).json("network").Resources)
      .filter((r) => r.Type === "AWS::EC2::VPCEndpoint")
      .map((r) => JSON.stringify(r.Properties?.ServiceName));
    for (const service of ["s3", "ecr.api", "ecr.dkr", "sts", "secretsmanager"]) {
      expect(
        services.some((s) => s.includes(`.${service}`)),
        service,
      ).toBe(true);
    }
    net.hasResourceProperties("AWS::EC2::VPCEndpoint", { VpcEndpointType: "Gateway" });
  });
});

describe("aws synth: cluster", () => {
  it("runs the spec's Kubernetes version with envelope encryption, every log, and access entries for the admins only", async () => {
    const s = await example();
    const cluster = s.template("cluster");
    cluster.hasResourceProperties("AWS::EKS::Cluster", {
      Name: "acme-prod",
      Version: "1.34",
      EncryptionConfig: [{ Provider: { KeyArn: Match.anyValue() }, Resources: ["secrets"] }],
      Logging: {
        ClusterLogging: {
          EnabledTypes: Match.arrayWith([{ Type: "api" }, { Type: "audit" }, { Type: "authenticator" }]),
        },
      },
      AccessConfig: { AuthenticationMode: "API", BootstrapClusterCreatorAdminPermissions: false },
    });
    cluster.hasResource("AWS::EKS::Cluster", { DeletionPolicy: "Retain" });
    cluster.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    const admins = cluster.findResources("AWS::EKS::AccessEntry");
    expect(Object.values(admins).map((a) => a.Properties.PrincipalArn)).toEqual(
      s.model.cluster.adminRoleArns,
    );
  });

  it("turns NetworkPolicy enforcement on in the VPC CNI, and installs Pod Identity, CoreDNS, kube-proxy and EBS CSI", async () => {
    const cluster = (await example()).template("cluster");
    cluster.hasResourceProperties("AWS::EKS::Addon", {
      AddonName: "vpc-cni",
      ConfigurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
    });
    expect(VPC_CNI_CONFIGURATION.enableNetworkPolicy).toBe("true");
    for (const name of ["eks-pod-identity-agent", "coredns", "kube-proxy", "aws-ebs-csi-driver"]) {
      cluster.hasResourceProperties("AWS::EKS::Addon", { AddonName: name });
    }
    cluster.hasResourceProperties("AWS::EKS::PodIdentityAssociation", {
      Namespace: "kube-system",
      ServiceAccount: "ebs-csi-controller-sa",
    });
  });

  it("has a managed node group named system, the one Argo CD and Karpenter are pinned to", async () => {
    const s = await example();
    s.template("cluster").hasResourceProperties("AWS::EKS::Nodegroup", {
      NodegroupName: "system",
      ScalingConfig: { MinSize: 2, DesiredSize: 2 },
    });
    const karpenterApp = platform("example").objects.find(
      (o) => o.object.metadata.name === "addon-karpenter",
    );
    expect(JSON.stringify(karpenterApp?.object)).toContain('"eks.amazonaws.com/nodegroup":"system"');
  });
});

describe("aws synth: Karpenter", () => {
  it("creates the node role, queue and discovery tags the rendered EC2NodeClasses and values name", async () => {
    const s = await example();
    const k = s.template("karpenter");
    k.hasResourceProperties("AWS::IAM::Role", { RoleName: karpenterNodeRole("acme-prod") });
    k.hasResourceProperties("AWS::EKS::AccessEntry", { Type: "EC2_LINUX" });
    k.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: karpenterInterruptionQueue("acme-prod"),
      SqsManagedSseEnabled: true,
    });
    k.resourceCountIs("AWS::Events::Rule", 4);
    k.hasResourceProperties("AWS::EKS::PodIdentityAssociation", {
      Namespace: "kube-system",
      ServiceAccount: "karpenter",
    });
    const nodeClass = platform("example").objects.find((o) => o.object.kind === "EC2NodeClass")?.object
      .spec as {
      role: string;
    };
    expect(nodeClass.role).toBe(karpenterNodeRole("acme-prod"));
    // The node security group the selectors find carries the tag.
    s.template("cluster").hasResourceProperties("AWS::EC2::SecurityGroup", {
      Tags: Match.arrayWith([{ Key: "karpenter.sh/discovery", Value: "acme-prod" }]),
    });
  });
});

describe("aws synth: zones", () => {
  it("gives each zone a rotating key and a secrets role that reads <zone>/* only and trusts External Secrets only", async () => {
    const s = await example();
    for (const zone of ["internal", "external"]) {
      const z = s.template(`zone-${zone}`);
      z.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
      z.hasResourceProperties("AWS::KMS::Alias", { AliasName: zoneKeyAlias("acme-prod", zone) });
      z.hasResourceProperties("AWS::IAM::Role", {
        RoleName: zoneSecretsRole("acme-prod", zone),
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: "sts:AssumeRole",
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::111122223333:role/acme-prod-external-secrets" },
            },
          ],
        },
      });
      const text = JSON.stringify(s.json(`zone-${zone}`));
      expect(text).toContain(`:secret:${zone}/*`);
      const other = zone === "internal" ? "external" : "internal";
      expect(text).not.toContain(`:secret:${other}/`);
    }
  });
});

describe("aws synth: tenants", () => {
  it("creates every secret an ExternalSecret reads, generated by AWS, with the zone's key, retained, but for the values only their users know", async () => {
    const s = await example();
    for (const tenant of s.model.tenants) {
      const t = s.template(`tenant-${tenant.name}`);
      // An alert receiver's URL or SMTP password: its user creates that secret.
      for (const secret of tenantSecrets(tenant).filter((x) => x.userSupplied === true)) {
        const names = Object.values(t.findResources("AWS::SecretsManager::Secret")).map(
          (r) => (r as { Properties: { Name: string } }).Properties.Name,
        );
        expect(names).not.toContain(secret.remotePath);
      }
      for (const secret of tenantSecrets(tenant).filter((x) => x.userSupplied !== true)) {
        t.hasResource("AWS::SecretsManager::Secret", {
          Properties: {
            Name: secret.remotePath,
            KmsKeyId: Match.objectLike({
              "Fn::Join": [
                "",
                Match.arrayWith([Match.stringLikeRegexp(`alias/acme-prod/${tenant.zone.name}$`)]),
              ],
            }),
            GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
          },
          DeletionPolicy: "Retain",
          UpdateReplacePolicy: "Retain",
        });
      }
    }
    // No value in any template: only AWS generates them.
    for (const [file, text] of s.texts()) expect(text, file).not.toMatch(/"SecretString"\s*:/);
  });

  it("confines each tenant's backup role to its own prefix, bound to its database server's service account", async () => {
    const s = await example();
    const ops = s.model.tenants.find((t) => t.name === "ops");
    if (ops === undefined) throw new Error("no ops");
    const t = s.template("tenant-ops");
    t.hasResourceProperties("AWS::IAM::Role", { RoleName: tenantBackupRole("acme-prod", "ops") });
    t.hasResourceProperties("AWS::EKS::PodIdentityAssociation", {
      Namespace: ops.namespace,
      ServiceAccount: ops.data.databaseCluster,
    });
    const policy = JSON.stringify(s.json("tenant-ops"));
    expect(policy).toContain("/internal/ops/*");
    expect(policy).not.toMatch(/\/internal\/\*|\/external\//);
  });

  it("gives an rds tenant its own encrypted, TLS-only, deletion-protected instance that only its pods' group reaches", async () => {
    const s = await example();
    const g = s.template("tenant-globex");
    g.hasResource("AWS::RDS::DBInstance", {
      Properties: Match.objectLike({
        Engine: "postgres",
        StorageEncrypted: true,
        DeletionProtection: true,
        PubliclyAccessible: false,
        MultiAZ: true, // globex is dedicated
        DBSubnetGroupName: "acme-prod-databases",
      }),
      DeletionPolicy: "Snapshot",
    });
    g.hasResourceProperties("AWS::RDS::DBParameterGroup", {
      Parameters: Match.objectLike({ "rds.force_ssl": "1" }),
    });
    const groups = Object.entries(s.json("tenant-globex").Resources).filter(
      ([, r]) => r.Type === "AWS::EC2::SecurityGroup",
    );
    const db = groups.find(([, r]) => String(r.Properties?.GroupName).endsWith("-rds"))?.[1];
    const pods = groups.find(([, r]) => String(r.Properties?.GroupName).endsWith("-pods"))?.[0];
    expect(db?.Properties?.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { "Fn::GetAtt": [pods, "GroupId"] },
      }),
    ]);
    // The secret holds what the rendered ExternalSecret reads: RDS adds host, port and engine.
    const secret = Object.values(s.json("tenant-globex").Resources).find(
      (r) => r.Type === "AWS::SecretsManager::Secret" && r.Properties?.Name === "external/globex/rds",
    );
    const template = JSON.parse(
      String(
        (secret?.Properties?.GenerateSecretString as { SecretStringTemplate: string }).SecretStringTemplate,
      ),
    );
    expect(Object.keys(template).sort()).toEqual(["dbname", "sslCa", "username"]);
    expect(template.sslCa).toContain("BEGIN CERTIFICATE");
    g.resourceCountIs("AWS::SecretsManager::SecretTargetAttachment", 1);
  });

  it("gives a tenant with its own hostname its own certificate, and skips tenants with nothing in AWS", async () => {
    (await example())
      .template("tenant-umbrella")
      .hasResourceProperties("AWS::CertificateManager::Certificate", {
        DomainName: "automation.umbrella.example",
      });
    // shared-services generates secrets in-cluster and shares zone databases: hr has nothing in AWS.
    expect((await shared()).result.stacks.map((x) => x.name)).not.toContain("globalcorp-gc-prod-tenant-hr");
  });
});

describe("aws synth: shared", () => {
  it("keeps backups in a versioned, KMS-encrypted, private, retained bucket with a lifecycle", async () => {
    const s = await example();
    s.template("shared").hasResource("AWS::S3::Bucket", {
      Properties: Match.objectLike({
        BucketName: s.model.backups.bucket,
        VersioningConfiguration: { Status: "Enabled" },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: "aws:kms" }),
            }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: Match.anyValue(),
      }),
      DeletionPolicy: "Retain",
    });
  });

  it("creates the wildcard certificate and the add-on roles, ExternalDNS confined to the platform's zone", async () => {
    const s = await example();
    const sh = s.template("shared");
    sh.hasResourceProperties("AWS::CertificateManager::Certificate", { DomainName: "*.n8n.acme.example" });
    for (const sa of ["external-dns", "cert-manager", "aws-load-balancer-controller", "external-secrets"]) {
      sh.hasResourceProperties("AWS::EKS::PodIdentityAssociation", { ServiceAccount: sa });
    }
    // shared-services names its hosted zone: ExternalDNS's changes reach that zone only.
    expect(JSON.stringify((await shared()).json("shared"))).toContain("hostedzone/Z0123456789ABCDEFGHIJ");
  });
});
