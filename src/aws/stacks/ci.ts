/**
 * What an application's CI needs from AWS, in the account that holds the registry: an ECR
 * repository per product component (`<product>/<component>`: scanned on push, tags
 * immutable, kept when the stack goes), the OIDC provider of the CI's issuer, and per product
 * a role that only that application repository's pipelines, on its named branches, may
 * assume, and that may push only to that product's repositories. The other clusters'
 * accounts may pull, never push. No long-lived keys anywhere.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { ciRole } from "../../model/names.js";
import type { RegistryModel } from "../../model/registry.js";
import type { Model } from "../../model/resolve.js";
import { acknowledge } from "../nag.js";

export interface CiStackProps extends StackProps {
  readonly model: Model;
  readonly registry: RegistryModel;
}

/** The actions a push needs, on the repositories pushed to. */
const PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:CompleteLayerUpload",
  "ecr:DescribeImageScanFindings",
  "ecr:DescribeImages",
  "ecr:GetDownloadUrlForLayer",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];
const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

export class CiStack extends Stack {
  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id, props);
    const { model, registry } = props;
    const providerArn =
      registry.oidcProviderArn ??
      new iam.CfnOIDCProvider(this, "OidcProvider", {
        url: `https://${registry.issuer}`,
        clientIdList: ["sts.amazonaws.com"],
      }).attrArn;
    for (const entry of registry.products) {
      const repositories = entry.ecrRepositories.map(
        (name) =>
          new ecr.Repository(this, `Repository-${name}`, {
            repositoryName: name,
            imageScanOnPush: true,
            imageTagMutability: ecr.TagMutability.IMMUTABLE,
            encryption: ecr.RepositoryEncryption.AES_256,
            removalPolicy: RemovalPolicy.RETAIN,
            lifecycleRules: [
              {
                description: "untagged layers of failed pushes",
                tagStatus: ecr.TagStatus.UNTAGGED,
                maxImageAge: Duration.days(14),
              },
            ],
          }),
      );
      for (const repository of repositories) {
        for (const account of registry.pullAccounts) {
          repository.addToResourcePolicy(
            new iam.PolicyStatement({
              sid: `Pull${account}`,
              principals: [new iam.AccountPrincipal(account)],
              actions: PULL_ACTIONS,
            }),
          );
        }
      }
      const role = new iam.Role(this, `Role-${entry.product}`, {
        roleName: ciRole(model.cluster.name, entry.product),
        description: `CI of ${entry.repository} (${entry.branches.join(", ")}): push ${entry.product}/* images, nothing else`,
        maxSessionDuration: Duration.hours(1),
        assumedBy: new iam.WebIdentityPrincipal(providerArn, {
          // Exact values (StringEquals, never StringLike): no pattern can widen who assumes it.
          StringEquals: {
            [`${registry.issuer}:aud`]: "sts.amazonaws.com",
            [`${registry.issuer}:sub`]: entry.subjects,
          },
        }),
      });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: "PushProductImages",
          actions: PUSH_ACTIONS,
          resources: repositories.map((r) => r.repositoryArn),
        }),
      );
      // ECR's login takes no resource: the token alone reaches nothing the statement above does not allow.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: "RegistryLogin",
          actions: ["ecr:GetAuthorizationToken"],
          resources: ["*"],
        }),
      );
      acknowledge(role, "ecrLogin");
      new CfnOutput(this, `RoleArn-${entry.product}`, {
        value: role.roleArn,
        description: `The role ${entry.repository}'s pipeline assumes (aws-actions/configure-aws-credentials role-to-assume)`,
      });
    }
    new CfnOutput(this, "Registry", {
      value: `${model.cluster.awsAccountId}.dkr.ecr.${model.cluster.region}.amazonaws.com`,
      description: "Where the products' images are pushed: <registry>/<product>/<component>:<tag>",
    });
  }
}
