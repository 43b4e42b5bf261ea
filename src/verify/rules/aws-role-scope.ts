/**
 * The AWS half of zone and tenant isolation: a zone's secrets role reads `<zone>/*` and
 * nothing else (an internal zone's role that could read a customer zone's secret is the
 * worst leak there is), may be assumed by External Secrets' role only, and a database
 * server's backup role touches objects under its own prefix only.
 */
import {
  addonRole,
  backupPrefix,
  roleArn,
  tenantBackupRole,
  zoneBackupRole,
  zoneSecretsRole,
} from "../../model/names.js";
import { PINNED } from "../../versions.js";
import { patternCanReach, patternWithin, type RoleView, rolesOf } from "../aws/iam.js";
import { awsRef } from "../aws/refs.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";

const OBJECT_ACTIONS = /^s3:(\*|.*Object.*)$/;

export const awsRoleScope: VerifyRule = {
  id: "aws-role-scope",
  severity: "error",
  title: "A zone's or a database server's IAM role reaches beyond its own",
  description:
    "With --aws: each zone's secrets role reads Secrets Manager only under <zone>/ and trusts only External Secrets' role; each backup role reaches S3 objects only under its server's prefix (<zone>/<tenant>/, <zone>/_shared/).",
  check(ctx) {
    const layer = ctx.input.aws;
    if (layer === undefined) return [];
    const { model } = ctx;
    const roles = rolesOf(layer);
    const out: Finding[] = [];
    const problem = (role: RoleView, message: string, fix: string, tenant?: string) =>
      out.push(findingOf(this, { message, objects: [awsRef(role.role)], fix, tenant }));
    const cluster = model.cluster.name;
    const externalSecrets = roleArn(
      model.cluster.awsAccountId,
      addonRole(cluster, PINNED.addons.externalSecrets.chart),
    );

    for (const zone of model.zones) {
      const role = roles.get(zoneSecretsRole(cluster, zone.name));
      if (role === undefined) continue; // aws-reference-missing reports a store without its role
      const allowed = `arn:aws:secretsmanager:${role.role.stack.region}:${role.role.stack.account}:secret:${zone.name}/`;
      for (const st of role.statements.filter((s) => s.effect === "Allow")) {
        if (!st.actions.some((a) => a.startsWith("secretsmanager:") || a === "*")) continue;
        for (const resource of st.resources.filter((r) => !patternWithin(r, allowed))) {
          const customer = model.zones.find(
            (z) =>
              z.customerData &&
              z.name !== zone.name &&
              patternCanReach(resource, allowed.replace(`:secret:${zone.name}/`, `:secret:${z.name}/`)),
          );
          problem(
            role,
            `zone ${zone.name}'s secrets role may read "${resource}", outside ${zone.name}/*${!zone.customerData && customer ? ` (including customer-data zone ${customer.name}'s secrets)` : ""}`,
            `grant secretsmanager actions on ${allowed}* only`,
          );
        }
      }
      const trusted = role.trust.filter((s) => s.effect === "Allow").flatMap((s) => s.principals);
      for (const principal of trusted.filter((p) => p !== externalSecrets)) {
        problem(
          role,
          `zone ${zone.name}'s secrets role trusts ${principal}, not only External Secrets' role`,
          `trust ${externalSecrets} only`,
        );
      }
    }

    const servers = [
      ...model.tenants.map((t) => ({
        role: tenantBackupRole(cluster, t.name),
        prefix: backupPrefix(t.zone.name, t.name),
        tenant: t.name,
      })),
      ...model.zones.map((z) => ({
        role: zoneBackupRole(cluster, z.name),
        prefix: backupPrefix(z.name, undefined),
        tenant: undefined,
      })),
    ];
    for (const server of servers) {
      const role = roles.get(server.role);
      if (role === undefined) continue;
      const allowed = `arn:aws:s3:::${model.backups.bucket}/${server.prefix}`;
      for (const st of role.statements.filter((s) => s.effect === "Allow")) {
        if (!st.actions.some((a) => OBJECT_ACTIONS.test(a) || a === "*")) continue;
        for (const resource of st.resources.filter((r) => !patternWithin(r, allowed))) {
          problem(
            role,
            `backup role ${server.role} may ${st.actions.filter((a) => OBJECT_ACTIONS.test(a) || a === "*").join(", ")} on "${resource}", outside ${allowed}*`,
            `grant object actions on ${allowed}* only`,
            server.tenant,
          );
        }
      }
    }
    return out;
  },
};
