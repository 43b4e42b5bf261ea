/**
 * Names that exist only in the AWS layer: stacks, their outputs, RDS instances. Names the
 * rendered manifests also use (roles, secret paths, the queue, the bucket) are in
 * model/names.ts, so both layers spell them from one place.
 */
import { dnsLabel } from "../model/names.js";

/** A CloudFormation stack name (at most 128 characters, letters, digits and hyphens). */
export function stackName(platform: string, cluster: string, part: string): string {
  return dnsLabel(platform, cluster, part);
}

export const STACK_PART = {
  network: "network",
  cluster: "cluster",
  karpenter: "karpenter",
  shared: "shared",
  ci: "ci",
  zone: (zone: string) => `zone-${zone}`,
  tenant: (tenant: string) => `tenant-${tenant}`,
} as const;

/** Outputs that `tenantctl render --aws-outputs` reads back from `cdk deploy --outputs-file`. */
export const OUTPUT = {
  clusterSecurityGroup: "ClusterSecurityGroupId",
  podSecurityGroup: "PodSecurityGroupId",
  nameServers: "HostedZoneNameServers",
} as const;
