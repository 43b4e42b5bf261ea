/**
 * What holds data in AWS is encrypted with the right key and never deleted with its stack:
 * a tenant's secrets with its zone's key (a zone's role can decrypt nothing of another
 * zone), secrets, keys, buckets, the cluster retained, RDS instances snapshotted, protected
 * from deletion, encrypted, private and reachable only from their tenant's pod group.
 */
import { zoneKeyAlias } from "../../model/names.js";
import { awsRef } from "../aws/refs.js";
import type { AwsLayer, LocatedResource } from "../aws/templates.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";

const KEEP: Readonly<Record<string, readonly string[]>> = {
  "AWS::SecretsManager::Secret": ["Retain"],
  "AWS::KMS::Key": ["Retain"],
  "AWS::S3::Bucket": ["Retain"],
  "AWS::EKS::Cluster": ["Retain"],
  "AWS::RDS::DBInstance": ["Snapshot", "Retain"],
};

export const awsDataProtection: VerifyRule = {
  id: "aws-data-protection",
  severity: "error",
  title: "Data in AWS is not encrypted with its zone's key, or would be deleted with its stack",
  description:
    "With --aws: every tenant secret is encrypted with its zone's KMS key; secrets, keys, buckets and the cluster are retained and RDS instances snapshotted when their stack goes; RDS instances are encrypted, private, protected from deletion, force TLS, and admit PostgreSQL only from security groups.",
  check(ctx) {
    const layer = ctx.input.aws;
    if (layer === undefined) return [];
    const out: Finding[] = [];
    const problem = (r: LocatedResource, message: string, fix: string, tenant?: string) =>
      out.push(findingOf(this, { message, objects: [awsRef(r)], fix, tenant }));
    for (const [type, policies] of Object.entries(KEEP)) {
      for (const r of layer.resourcesOf(type)) {
        if (
          policies.includes(r.resource.DeletionPolicy ?? "Delete") &&
          policies.includes(r.resource.UpdateReplacePolicy ?? "Delete")
        )
          continue;
        problem(
          r,
          `${type} ${r.logicalId} is deleted when its stack is deleted or it is replaced`,
          `set DeletionPolicy and UpdateReplacePolicy to ${policies[0]}`,
        );
      }
    }
    const zones = new Map(ctx.model.zones.map((z) => [z.name, z]));
    for (const r of layer.resourcesOf("AWS::SecretsManager::Secret")) {
      const name = layer.text(r.stack, r.resource.Properties?.Name) ?? "";
      const zone = zones.get(name.split("/")[0] ?? "");
      if (zone === undefined) continue;
      const key = layer.text(r.stack, r.resource.Properties?.KmsKeyId) ?? "(the AWS-managed key)";
      const expected = zoneKeyAlias(ctx.model.cluster.name, zone.name);
      if (!key.endsWith(`:${expected}`) && key !== expected) {
        problem(
          r,
          `secret ${name} is encrypted with ${key}, not zone ${zone.name}'s key ${expected}`,
          `set KmsKeyId to ${expected}`,
          name.split("/")[1],
        );
      }
    }
    for (const r of layer.resourcesOf("AWS::RDS::DBInstance")) checkDatabase(layer, r, problem);
    return out;
  },
};

function checkDatabase(
  layer: AwsLayer,
  r: LocatedResource,
  problem: (r: LocatedResource, message: string, fix: string) => void,
): void {
  const p = layer.resolve(r.stack, r.resource.Properties ?? {}) as Record<string, unknown>;
  const id = String(p.DBInstanceIdentifier ?? r.logicalId);
  if (p.StorageEncrypted !== true)
    problem(r, `RDS instance ${id} is not encrypted`, "set StorageEncrypted: true with the zone's key");
  if (p.DeletionProtection !== true)
    problem(r, `RDS instance ${id} has no deletion protection`, "set DeletionProtection: true");
  if (p.PubliclyAccessible === true)
    problem(r, `RDS instance ${id} is publicly accessible`, "set PubliclyAccessible: false");
  const group =
    r.stack.resources[
      String((r.resource.Properties?.DBParameterGroupName as { Ref?: string } | undefined)?.Ref)
    ];
  const forceSsl = (group?.Properties?.Parameters as Record<string, unknown> | undefined)?.["rds.force_ssl"];
  if (String(forceSsl) !== "1")
    problem(
      r,
      `RDS instance ${id} accepts connections without TLS`,
      'use a parameter group with rds.force_ssl = "1"',
    );
  for (const sg of (r.resource.Properties?.VPCSecurityGroups as unknown[] | undefined) ?? []) {
    const logical = (sg as { "Fn::GetAtt"?: [string, string] })["Fn::GetAtt"]?.[0];
    const group = logical === undefined ? undefined : r.stack.resources[logical];
    for (const rule of (group?.Properties?.SecurityGroupIngress as Record<string, unknown>[] | undefined) ??
      []) {
      if (rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined || rule.SourcePrefixListId !== undefined) {
        problem(
          r,
          `RDS instance ${id} admits addresses (${String(rule.CidrIp ?? rule.CidrIpv6 ?? rule.SourcePrefixListId)}), not only its tenant's pod security group`,
          "admit the tenant's pod security group only",
        );
      }
    }
  }
}
