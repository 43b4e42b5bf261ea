/**
 * On EKS the VPC CNI ignores every NetworkPolicy unless its network policy agent is on: all
 * the reachability verify proves would be unenforced. The cluster's vpc-cni add-on must
 * say `enableNetworkPolicy: "true"`.
 */
import { awsRef } from "../aws/refs.js";
import { findingOf, type VerifyRule } from "../finding.js";

export const awsNetworkPolicyEnforcement: VerifyRule = {
  id: "aws-network-policy-enforcement",
  severity: "error",
  title: "NetworkPolicies are not enforced on the EKS cluster",
  description:
    'With --aws: the EKS cluster has the vpc-cni managed add-on with configuration enableNetworkPolicy "true"; without it EKS ignores every NetworkPolicy.',
  check(ctx) {
    const layer = ctx.input.aws;
    if (layer === undefined) return [];
    const clusters = layer.resourcesOf("AWS::EKS::Cluster");
    const cni = layer
      .resourcesOf("AWS::EKS::Addon")
      .filter((a) => layer.text(a.stack, a.resource.Properties?.AddonName) === "vpc-cni");
    const enforced = cni.filter((a) => {
      const text = layer.text(a.stack, a.resource.Properties?.ConfigurationValues);
      try {
        return (JSON.parse(text ?? "{}") as { enableNetworkPolicy?: unknown }).enableNetworkPolicy === "true";
      } catch {
        return false;
      }
    });
    if (enforced.length > 0) return [];
    return [
      findingOf(this, {
        message:
          cni.length === 0
            ? "the cluster has no vpc-cni managed add-on: nothing turns NetworkPolicy enforcement on"
            : 'the vpc-cni add-on does not set enableNetworkPolicy: "true": EKS ignores every NetworkPolicy',
        objects: [...cni, ...clusters].map(awsRef),
        fix: 'configure the vpc-cni add-on with {"enableNetworkPolicy": "true"}',
      }),
    ];
  },
};
