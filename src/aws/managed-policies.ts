/**
 * The AWS-managed policies tenantctl attaches, and why each: they are AWS's own contract for
 * EKS nodes and controllers (AWS updates them as the services change), so they are used
 * as they are rather than copied.
 */
import * as iam from "aws-cdk-lib/aws-iam";
import { acknowledge } from "./nag.js";

export const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonSSMManagedInstanceCore",
] as const;

export const CLUSTER_POLICIES = ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"] as const;

export const EBS_CSI_POLICY = "service-role/AmazonEBSCSIDriverPolicy";

export function managed(names: readonly string[]): iam.IManagedPolicy[] {
  return names.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name));
}

/** The role every EKS node (managed node group, Karpenter) has. */
export function nodeRole(scope: import("constructs").Construct, id: string, roleName: string): iam.Role {
  const role = new iam.Role(scope, id, {
    roleName,
    description: "EKS nodes: join the cluster, pull images, run the VPC CNI",
    assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
    managedPolicies: managed(NODE_POLICIES),
  });
  acknowledge(role, "awsManagedPolicies");
  return role;
}
