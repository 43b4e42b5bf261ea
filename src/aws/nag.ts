/**
 * Every cdk-nag (AwsSolutions) and CloudFormation-validation finding tenantctl accepts, with
 * its reason, in one table: the README lists it, and a finding not acknowledged here fails
 * `aws synth`. An acknowledgement is attached to the construct it concerns (never to a
 * stack or the app) and covers that construct's subtree, so a new resource elsewhere is
 * checked afresh.
 *
 * cdk-nag 3 matches an acknowledgement only to the exact finding id, and IAM findings carry
 * the resource in their id (`AwsSolutions-IAM5[Resource::arn:...]`, with export names for
 * cross-stack values). So the AwsSolutions pack runs inside a plugin that knows this table
 * and drops a finding whose rule is acknowledged on its construct or an ancestor.
 */
import {
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";

export const NAG_ACKNOWLEDGEMENTS = {
  awsManagedPolicies: {
    id: "AwsSolutions::AwsSolutions-IAM4",
    where: "EKS cluster role, node roles, EBS CSI role",
    reason:
      "AWS's managed policies for EKS (cluster, VPC resource controller, worker nodes, CNI, ECR read, SSM, EBS CSI) are AWS's contract with these services and change with them; a copy would drift.",
  },
  karpenterScopedWildcards: {
    id: "AwsSolutions::AwsSolutions-IAM5",
    where: "Karpenter controller role",
    reason:
      "Karpenter's documented policy: instances, launch templates, fleets and instance profiles it creates have names it cannot know ahead, so they are matched by ARN pattern and confined by the cluster's ownership tags; Describe* and pricing:GetProducts accept no resource but *.",
  },
  loadBalancerControllerWildcards: {
    id: "AwsSolutions::AwsSolutions-IAM5",
    where: "AWS Load Balancer Controller role",
    reason:
      "The controller creates load balancers, target groups, listeners and security groups with generated names: ARN patterns, changes confined by the elbv2.k8s.aws/cluster tag; Describe calls accept no resource but *.",
  },
  dnsWildcards: {
    id: "AwsSolutions::AwsSolutions-IAM5",
    where: "ExternalDNS and cert-manager roles",
    reason:
      "Route 53 change ids are generated (change/*), and ListHostedZones(ByName) accepts no resource but *; record changes are confined to the platform's hosted zone.",
  },
  ecrLogin: {
    id: "AwsSolutions::AwsSolutions-IAM5",
    where: "a product's CI role",
    reason:
      "ecr:GetAuthorizationToken takes no resource (IAM: resource types none); the CI role's pushes are confined to its product's repositories by ARN.",
  },
  zoneSecretsPrefix: {
    id: "AwsSolutions::AwsSolutions-IAM5",
    where: "a zone's secrets role",
    reason:
      "<zone>/* is the zone boundary itself: every secret of the zone's tenants, and none of another zone (Secrets Manager appends a random suffix to every ARN).",
  },
  backupPrefix: {
    id: "AwsSolutions::AwsSolutions-IAM5",
    where: "a database server's backup role",
    reason:
      "WAL and base backups are many objects with generated names under the server's own prefix (<zone>/<tenant>/*); nothing outside it.",
  },
  sharedTierSingleAz: {
    id: "AwsSolutions::AwsSolutions-RDS3",
    where: "a shared-tier tenant's RDS instance",
    reason:
      "The shared tier runs one database instance, as its CloudNativePG servers run one: an availability-zone outage means a restore or failover of minutes, priced into the tier; the dedicated tier gets Multi-AZ.",
  },
  interruptionQueueWithoutDlq: {
    id: "AwsSolutions::AwsSolutions-SQS3",
    where: "Karpenter's interruption queue",
    reason:
      "Interruption events matter for two minutes; a dead-letter queue would keep stale warnings that Karpenter must not act on.",
  },
  generatedSecretsNotRotated: {
    id: "AwsSolutions::AwsSolutions-SMG4",
    where: "tenant secrets",
    reason:
      "n8n's encryption key cannot rotate (every stored credential is encrypted with it); database and Redis passwords would need a rotation function coordinated with the pods and servers that hold them, which tenantctl does not have yet.",
  },
  defaultPostgresPort: {
    id: "AwsSolutions::AwsSolutions-RDS11",
    where: "RDS instances",
    reason:
      "The instance is reachable only from its tenant's pod security group; a non-default port hides nothing from a pod that may connect, and NetworkPolicies are written for 5432.",
  },
  endpointSecurityGroupFromVpc: {
    id: "AwsSolutions::AwsSolutions-EC23",
    where: "interface endpoint security groups",
    reason: "The rule cannot read the VPC CIDR token; the groups admit HTTPS from the VPC's own CIDR only.",
  },
  namedAvailabilityZones: {
    id: "CloudFormation-Validate::W3010",
    where: "VPC subnets",
    reason:
      "Zones are named (<region>a/b/c) so that synth makes no account look-up and the template never drifts.",
  },
  eksEncryptionConfigShape: {
    id: "CloudFormation-Validate::W9009",
    where: "EKS cluster",
    reason:
      "aws-eks-v2 writes EncryptionConfig.Resources: [secrets], which EKS still requires for envelope encryption.",
  },
} as const;

export type NagAcknowledgement = keyof typeof NAG_ACKNOWLEDGEMENTS;

const METADATA_KEY = "tenantctl:nag-acknowledged";
const CFN_VALIDATE = "CloudFormation-Validate::";
const AWS_SOLUTIONS = "AwsSolutions::";

export function acknowledge(scope: IConstruct, ...which: readonly NagAcknowledgement[]): void {
  for (const key of which) {
    const { id, reason } = NAG_ACKNOWLEDGEMENTS[key];
    if (id.startsWith(CFN_VALIDATE)) Validations.of(scope).acknowledge({ id, reason });
    else scope.node.addMetadata(METADATA_KEY, key);
  }
}

/** The AwsSolutions pack, less the findings this table acknowledges on their constructs. */
export class AcknowledgedAwsSolutions implements IPolicyValidationPlugin {
  readonly name = "AwsSolutions";

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = (context as { appConstruct?: IConstruct }).appConstruct;
    if (root === undefined) throw new Error("cdk-nag needs the construct tree: aws-cdk-lib too old");
    const report = new AwsSolutionsChecks().validateScope(root);
    const byPath = constructsByPath(root);
    const violations = report.violations
      .map((v) => ({
        ...v,
        violatingResources: v.violatingResources.filter(
          (r) => !isAcknowledged(byPath.get(r.constructPath ?? ""), v.ruleName),
        ),
      }))
      .filter((v) => v.violatingResources.length > 0);
    return { success: violations.length === 0, violations };
  }
}

/** Whether `rule` (e.g. "AwsSolutions-IAM5[Resource::...]") is acknowledged on the construct or above. */
function isAcknowledged(construct: IConstruct | undefined, rule: string): boolean {
  const ruleId = `${AWS_SOLUTIONS}${rule.replace(/\[.*$/, "")}`;
  for (let node = construct; node !== undefined; node = node.node.scope) {
    for (const entry of node.node.metadata) {
      if (entry.type !== METADATA_KEY) continue;
      const key = entry.data as NagAcknowledgement;
      if (NAG_ACKNOWLEDGEMENTS[key]?.id === ruleId) return true;
    }
  }
  return false;
}

function constructsByPath(root: IConstruct): Map<string, IConstruct> {
  return new Map(root.node.findAll().map((c) => [c.node.path, c]));
}
