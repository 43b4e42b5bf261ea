import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { egressInto, ipSetOf } from "../network/address-egress.js";
import { describeAllowance, endpointRef, openSide } from "../network/explain.js";

/** The EC2 instance metadata service, over IPv4 and IPv6 (Nitro). */
export const INSTANCE_METADATA = ["169.254.169.254/32", "fd00:ec2::254/128"] as const;

/**
 * No tenant or zone pod may reach the instance metadata service: on a node whose hop limit is
 * not 1 it hands out the node's IAM role, and its answers describe the node. IMDSv2 with one
 * hop (the node classes tenantctl renders) is the second lock; this is the first.
 */
export const metadataServiceEgress: VerifyRule = {
  id: "metadata-service-egress",
  severity: "error",
  title: "Pod can reach the instance metadata service",
  description:
    "Egress from tenant and zone pods to 169.254.169.254 or fd00:ec2::254 (the EC2 instance metadata service, which serves the node's IAM credentials) must be denied by network policy.",
  check(ctx) {
    const out: Finding[] = [];
    const imds = ipSetOf(INSTANCE_METADATA);
    for (const source of ctx.scopedEndpoints) {
      const egress = egressInto(ctx, source, imds);
      if (egress.open) {
        out.push(
          findingOf(this, {
            message: `${source.id} is selected by no egress policy: it reaches the instance metadata service`,
            objects: [endpointRef(source)],
            path: [openSide(source, "egress")],
            fix: "keep the namespace's default deny; allow the internet only with an ipBlock that excepts 169.254.0.0/16 and fd00:ec2::254/128",
            tenant: source.tenant,
          }),
        );
        continue;
      }
      for (const { policy, rule, ports } of egress.hits) {
        out.push(
          findingOf(this, {
            message: `${source.id} can reach the instance metadata service on ${ports.toString()}`,
            objects: [endpointRef(source), refOf(policy.source)],
            path: [
              `egress of ${source.id}: ${describeAllowance({ policy, direction: "egress", rule: rule.index, peer: undefined, connections: ports })}`,
            ],
            fix: `except 169.254.0.0/16 (and fd00:ec2::254/128) in spec.egress[${rule.index}] of ${policy.namespace}/${policy.name}`,
            tenant: source.tenant,
          }),
        );
      }
    }
    return out;
  },
};
