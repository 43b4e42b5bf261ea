/**
 * The AWS Load Balancer Controller's permissions: read anything it must match against
 * (AWS offers no narrower resource for Describe calls), and change only the load balancers,
 * target groups, listeners and security groups it created for this cluster (tagged
 * `elbv2.k8s.aws/cluster`).
 */
import type { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";

const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

export function loadBalancerControllerStatements(stack: Stack, clusterName: string): iam.PolicyStatement[] {
  const arn = (service: string, resource: string) =>
    `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const balancers = [
    arn("elasticloadbalancing", "loadbalancer/app/*/*"),
    arn("elasticloadbalancing", "loadbalancer/net/*/*"),
  ];
  const targetGroups = arn("elasticloadbalancing", "targetgroup/*/*");
  const listeners = [
    arn("elasticloadbalancing", "listener/app/*/*/*"),
    arn("elasticloadbalancing", "listener/net/*/*/*"),
    arn("elasticloadbalancing", "listener-rule/app/*/*/*/*"),
    arn("elasticloadbalancing", "listener-rule/net/*/*/*/*"),
  ];
  const securityGroups = arn("ec2", "security-group/*");
  const ownedByCluster = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: clusterName } };
  const taggedForCluster = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName } };
  return [
    new iam.PolicyStatement({
      sid: "ServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [
        `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*`,
      ],
      conditions: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    }),
    new iam.PolicyStatement({
      sid: "Describe",
      actions: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeCoipPools",
        "ec2:GetCoipPoolUsage",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools",
        "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeCapacityReservation",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "shield:GetSubscriptionState",
      ],
      resources: ["*"],
    }),
    new iam.PolicyStatement({
      sid: "CreateSecurityGroups",
      actions: ["ec2:CreateSecurityGroup"],
      resources: [arn("ec2", "vpc/*"), securityGroups],
    }),
    new iam.PolicyStatement({
      sid: "TagNewSecurityGroups",
      actions: ["ec2:CreateTags"],
      resources: [securityGroups],
      conditions: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" } },
    }),
    new iam.PolicyStatement({
      sid: "ChangeOwnSecurityGroups",
      actions: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:DeleteSecurityGroup",
        "ec2:CreateTags",
        "ec2:DeleteTags",
      ],
      resources: [securityGroups],
      conditions: ownedByCluster,
    }),
    new iam.PolicyStatement({
      sid: "CreateBalancers",
      actions: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      resources: [...balancers, targetGroups],
      conditions: taggedForCluster,
    }),
    new iam.PolicyStatement({
      sid: "TagNewBalancers",
      actions: ["elasticloadbalancing:AddTags"],
      resources: [...balancers, targetGroups],
      conditions: {
        StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
      },
    }),
    new iam.PolicyStatement({
      sid: "ChangeOwnBalancers",
      actions: [
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
      ],
      resources: [...balancers, targetGroups],
      conditions: ownedByCluster,
    }),
    new iam.PolicyStatement({
      sid: "Listeners",
      actions: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      resources: [...balancers, ...listeners],
    }),
  ];
}
