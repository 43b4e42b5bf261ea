/**
 * What Karpenter needs in AWS, named as render writes them: the node role (and its access
 * entry, so nodes may join), the controller's role (Pod Identity, scoped by tags to the
 * instances and launch templates of this cluster), and the interruption queue with the
 * EventBridge rules that feed it spot interruptions, rebalance advice, scheduled
 * maintenance and instance state changes.
 */
import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as eks from "aws-cdk-lib/aws-eks";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  addonServiceAccount,
  karpenterControllerRole,
  karpenterInterruptionQueue,
  karpenterNodeRole,
} from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import { PINNED } from "../../versions.js";
import { nodeRole } from "../managed-policies.js";
import { acknowledge } from "../nag.js";
import { PodIdentityRole } from "../pod-identity.js";

export interface KarpenterStackProps extends StackProps {
  readonly model: Model;
}

const INTERRUPTION_EVENTS: Record<string, events.EventPattern> = {
  ScheduledChange: { source: ["aws.health"], detailType: ["AWS Health Event"] },
  SpotInterruption: { source: ["aws.ec2"], detailType: ["EC2 Spot Instance Interruption Warning"] },
  Rebalance: { source: ["aws.ec2"], detailType: ["EC2 Instance Rebalance Recommendation"] },
  InstanceStateChange: { source: ["aws.ec2"], detailType: ["EC2 Instance State-change Notification"] },
};

export class KarpenterStack extends Stack {
  constructor(scope: Construct, id: string, props: KarpenterStackProps) {
    super(scope, id, props);
    const clusterName = props.model.cluster.name;
    const nodes = nodeRole(this, "NodeRole", karpenterNodeRole(clusterName));
    new eks.CfnAccessEntry(this, "NodeAccess", {
      clusterName,
      principalArn: nodes.roleArn,
      type: "EC2_LINUX",
    });

    const queue = new sqs.Queue(this, "InterruptionQueue", {
      queueName: karpenterInterruptionQueue(clusterName),
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(queue, "interruptionQueueWithoutDlq");
    for (const [name, eventPattern] of Object.entries(INTERRUPTION_EVENTS)) {
      new events.Rule(this, `${name}Rule`, { eventPattern, targets: [new targets.SqsQueue(queue)] });
    }

    const controller = new PodIdentityRole(this, "Controller", {
      roleName: karpenterControllerRole(clusterName),
      clusterName,
      namespace: PINNED.addons.karpenter.namespace,
      serviceAccount: addonServiceAccount("karpenter"),
      description: "Karpenter: launch and terminate this cluster's nodes",
    });
    for (const statement of controllerStatements(this, clusterName, nodes.roleArn, queue.queueArn)) {
      controller.role.addToPrincipalPolicy(statement);
    }
    acknowledge(controller.role, "karpenterScopedWildcards");
  }
}

/** Karpenter's documented controller policy, scoped to this cluster by tags. */
function controllerStatements(
  stack: Stack,
  clusterName: string,
  nodeRoleArn: string,
  queueArn: string,
): iam.PolicyStatement[] {
  const ec2 = (resource: string, regionless = false) =>
    `arn:${stack.partition}:ec2:${stack.region}:${regionless ? "" : stack.account}:${resource}`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "owned" };
  const requestOwned = {
    [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: "owned",
    "aws:RequestTag/eks:eks-cluster-name": clusterName,
  };
  const launched = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map((r) => ec2(r));
  const instanceProfiles = `arn:${stack.partition}:iam::${stack.account}:instance-profile/*`;
  return [
    new iam.PolicyStatement({
      sid: "AllowScopedEC2InstanceAccessActions",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: [
        ec2("image/*", true),
        ec2("snapshot/*", true),
        ec2("security-group/*"),
        ec2("subnet/*"),
        ec2("capacity-reservation/*"),
      ],
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedEC2LaunchTemplateAccessActions",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: [ec2("launch-template/*")],
      conditions: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedEC2InstanceActionsWithTags",
      actions: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      resources: launched,
      conditions: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedResourceCreationTagging",
      actions: ["ec2:CreateTags"],
      resources: launched,
      conditions: {
        StringEquals: {
          ...requestOwned,
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedResourceTagging",
      actions: ["ec2:CreateTags"],
      resources: [ec2("instance/*")],
      conditions: {
        StringEquals: owned,
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": clusterName },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedDeletion",
      actions: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      resources: [ec2("instance/*"), ec2("launch-template/*")],
      conditions: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
    }),
    new iam.PolicyStatement({
      sid: "AllowRegionalReadActions",
      actions: [
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestedRegion": stack.region } },
    }),
    new iam.PolicyStatement({
      sid: "AllowSSMReadActions",
      actions: ["ssm:GetParameter"],
      resources: [`arn:${stack.partition}:ssm:${stack.region}::parameter/aws/service/*`],
    }),
    new iam.PolicyStatement({
      sid: "AllowPricingReadActions",
      actions: ["pricing:GetProducts"],
      resources: ["*"],
    }),
    new iam.PolicyStatement({
      sid: "AllowInterruptionQueueActions",
      actions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      resources: [queueArn],
    }),
    new iam.PolicyStatement({
      sid: "AllowPassingInstanceRole",
      actions: ["iam:PassRole"],
      resources: [nodeRoleArn],
      conditions: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com"] } },
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedInstanceProfileCreationActions",
      actions: ["iam:CreateInstanceProfile", "iam:TagInstanceProfile"],
      resources: [instanceProfiles],
      conditions: {
        StringEquals: { ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": stack.region },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    }),
    new iam.PolicyStatement({
      sid: "AllowScopedInstanceProfileActions",
      actions: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      resources: [instanceProfiles],
      conditions: {
        StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": stack.region },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    }),
    new iam.PolicyStatement({
      sid: "AllowInstanceProfileReadActions",
      actions: ["iam:GetInstanceProfile"],
      resources: [instanceProfiles],
    }),
    new iam.PolicyStatement({
      sid: "AllowAPIServerEndpointDiscovery",
      actions: ["eks:DescribeCluster"],
      resources: [`arn:${stack.partition}:eks:${stack.region}:${stack.account}:cluster/${clusterName}`],
    }),
  ];
}
