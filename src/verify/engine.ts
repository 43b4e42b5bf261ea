import { VerifyContext } from "./context.js";
import { compareFindings, type Finding, type RuleInfo, type VerifyRule } from "./finding.js";
import type { VerifyInput } from "./input.js";
import { argocdProductionSync } from "./rules/argocd-production-sync.js";
import { awsCiRoleScope } from "./rules/aws-ci-role-scope.js";
import { argocdProjectScope } from "./rules/argocd-project-scope.js";
import { awsDataProtection } from "./rules/aws-data-protection.js";
import { awsNetworkPolicyEnforcement } from "./rules/aws-network-policy-enforcement.js";
import { awsReferenceMissing } from "./rules/aws-reference-missing.js";
import { awsRoleScope } from "./rules/aws-role-scope.js";
import { awsWildcardResource } from "./rules/aws-wildcard-resource.js";
import { crossTenantTraffic } from "./rules/cross-tenant-traffic.js";
import { dataServiceExposed } from "./rules/data-service-exposed.js";
import { dedicatedScheduling } from "./rules/dedicated-scheduling.js";
import { mixedRelease } from "./rules/mixed-release.js";
import { defaultDenyMissing } from "./rules/default-deny-missing.js";
import { externalSecretScope } from "./rules/external-secret-scope.js";
import { internalZoneEgress } from "./rules/internal-zone-egress.js";
import { manifestUnreadable } from "./rules/manifest-unreadable.js";
import { metadataServiceEgress } from "./rules/metadata-service-egress.js";
import { networkNotModelled } from "./rules/network-not-modelled.js";
import { networkPolicyInvalid } from "./rules/network-policy-invalid.js";
import { observabilityAccess } from "./rules/observability-access.js";
import { podSecurityRestricted } from "./rules/pod-security-restricted.js";
import { quotaExceedsCapacity } from "./rules/quota-exceeds-capacity.js";
import { rbacAdminBinding } from "./rules/rbac-admin-binding.js";
import { rbacEscalation } from "./rules/rbac-escalation.js";
import { rbacOutsideNamespace } from "./rules/rbac-outside-namespace.js";
import { rbacSubjectScope } from "./rules/rbac-subject-scope.js";
import { secretLiteral } from "./rules/secret-literal.js";
import { tenantClusterScoped } from "./rules/tenant-cluster-scoped.js";
import { tenantQuotaMissing } from "./rules/tenant-quota-missing.js";
import { undeclaredDataAccess } from "./rules/undeclared-data-access.js";

/** Every rule, network first. Ids are stable; a new rule gets a new id. */
export const RULES: readonly VerifyRule[] = [
  manifestUnreadable,
  networkPolicyInvalid,
  networkNotModelled,
  defaultDenyMissing,
  crossTenantTraffic,
  dataServiceExposed,
  undeclaredDataAccess,
  internalZoneEgress,
  observabilityAccess,
  metadataServiceEgress,
  rbacOutsideNamespace,
  rbacSubjectScope,
  tenantClusterScoped,
  rbacEscalation,
  rbacAdminBinding,
  secretLiteral,
  externalSecretScope,
  podSecurityRestricted,
  tenantQuotaMissing,
  quotaExceedsCapacity,
  dedicatedScheduling,
  mixedRelease,
  argocdProjectScope,
  argocdProductionSync,
  // With --aws: the synthesized AWS layer beside the manifests.
  awsReferenceMissing,
  awsRoleScope,
  awsCiRoleScope,
  awsWildcardResource,
  awsNetworkPolicyEnforcement,
  awsDataProtection,
];

/**
 * The tenant × tenant reachability matrix, sparse (5,000 tenants would be 25 million cells):
 * `[from, to, n]` = n pod pairs of tenant `from` can connect to pods of tenant `to`.
 */
export interface ReachabilityMatrix {
  readonly tenants: readonly {
    readonly name: string;
    readonly zone: string;
    readonly customerData: boolean;
  }[];
  readonly cells: readonly (readonly [number, number, number])[];
}

export interface VerifyReport {
  readonly platform: string;
  readonly rules: readonly RuleInfo[];
  readonly findings: readonly Finding[];
  readonly matrix: ReachabilityMatrix;
  readonly stats: {
    readonly objects: number;
    readonly tenants: number;
    readonly endpoints: number;
    readonly policies: number;
    readonly flows: number;
    readonly errors: number;
    readonly warnings: number;
  };
}

/** Runs every rule over the input; pure (no I/O), so the CLI, tests and benchmarks share it. */
export function verify(input: VerifyInput, rules: readonly VerifyRule[] = RULES): VerifyReport {
  return reportOf(new VerifyContext(input), rules);
}

/** The report of an analysis already made (the CLI reuses the context for `--connectivity`). */
export function reportOf(ctx: VerifyContext, rules: readonly VerifyRule[] = RULES): VerifyReport {
  const input = ctx.input;
  const findings = rules.flatMap((rule) => rule.check(ctx)).sort(compareFindings);
  return {
    platform: input.model.platform,
    rules: rules.map(({ id, severity, title, description }) => ({ id, severity, title, description })),
    findings,
    matrix: matrixOf(ctx),
    stats: {
      objects: input.objects.length,
      tenants: input.model.tenants.length,
      endpoints: ctx.endpoints.length,
      policies: ctx.reachability.policies.length,
      flows: ctx.flows.length,
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
    },
  };
}

function matrixOf(ctx: VerifyContext): ReachabilityMatrix {
  const tenants = [...ctx.model.tenants]
    .sort((a, b) =>
      a.zone.name === b.zone.name ? (a.name < b.name ? -1 : 1) : a.zone.name < b.zone.name ? -1 : 1,
    )
    .map((t) => ({ name: t.name, zone: t.zone.name, customerData: t.zone.customerData }));
  const index = new Map(tenants.map((t, i) => [t.name, i]));
  const counts = new Map<string, [number, number, number]>();
  for (const c of ctx.flows) {
    const from = index.get(c.source.tenant ?? "");
    const to = index.get(c.destination.tenant ?? "");
    if (from === undefined || to === undefined) continue;
    const key = `${from},${to}`;
    const cell = counts.get(key) ?? [from, to, 0];
    cell[2] += 1;
    counts.set(key, cell);
  }
  const cells = [...counts.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { tenants, cells };
}
