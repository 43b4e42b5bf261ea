/**
 * No IAM statement grants on every resource (`Resource: "*"`) unless AWS offers nothing
 * narrower for the action: then the action is named here, with the reason.
 */
import { rolesOf } from "../aws/iam.js";
import { awsRef } from "../aws/refs.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";

/** Actions that accept no resource but "*" (IAM's "resource types: none"), and who needs them. */
export const WILDCARD_ACTIONS: Readonly<Record<string, string>> = {
  "ec2:Describe*": "EC2 Describe calls take no resource (Karpenter, load balancer controller)",
  "ec2:GetCoipPoolUsage": "no resource type (load balancer controller)",
  "ec2:GetSecurityGroupsForVpc": "no resource type (load balancer controller)",
  "elasticloadbalancing:Describe*": "Describe calls take no resource (load balancer controller)",
  "acm:ListCertificates": "no resource type (load balancer controller finds certificates by hostname)",
  "acm:DescribeCertificate": "read-only, for certificate discovery by hostname (load balancer controller)",
  "wafv2:GetWebACL": "read-only (load balancer controller)",
  "wafv2:GetWebACLForResource": "read-only (load balancer controller)",
  "shield:GetSubscriptionState": "no resource type (load balancer controller)",
  "pricing:GetProducts": "no resource type (Karpenter's price-aware scheduling)",
  "route53:ListHostedZones": "no resource type (ExternalDNS finds the zone)",
  "route53:ListHostedZonesByName": "no resource type (cert-manager finds the zone)",
  "ecr:GetAuthorizationToken":
    "no resource type (a CI pipeline's registry login; its pushes are named by repository)",
};

function allowedOnEverything(action: string): boolean {
  return Object.keys(WILDCARD_ACTIONS).some((pattern) =>
    pattern.endsWith("*") ? action.startsWith(pattern.slice(0, -1)) : action === pattern,
  );
}

export const awsWildcardResource: VerifyRule = {
  id: "aws-wildcard-resource",
  severity: "error",
  title: 'An IAM statement grants on every resource ("*")',
  description:
    'With --aws: no IAM statement has Resource "*" unless each of its actions takes no narrower resource in AWS (the named list, each with its reason).',
  check(ctx) {
    const layer = ctx.input.aws;
    if (layer === undefined) return [];
    const out: Finding[] = [];
    for (const role of rolesOf(layer).values()) {
      for (const st of role.statements) {
        if (st.effect !== "Allow" || !st.resources.includes("*")) continue;
        const wide = st.actions.filter((a) => !allowedOnEverything(a));
        if (wide.length === 0) continue;
        out.push(
          findingOf(this, {
            message: `role ${role.name}${st.sid ? ` (${st.sid})` : ""} may ${wide.join(", ")} on every resource`,
            objects: [awsRef(role.role)],
            fix: "name the resources (ARN patterns, scoped by tags where names are generated)",
          }),
        );
      }
    }
    return out;
  },
};
