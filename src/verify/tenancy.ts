/**
 * verify on manifests tenantctl did not render: a team points it at its own directory and
 * says what a tenant is, each namespace (`--tenancy namespace`) or each value of a namespace
 * label (`--tenancy label:team`). There is no platform.yaml, so only the rules that need no
 * platform intent run: reachability between tenants, RBAC by subjects, what cannot be read.
 */
import { failure } from "../diagnostics/diagnostic.js";
import type { Model, TenantModel, ZoneModel } from "../model/resolve.js";
import type { VerifyRule } from "./finding.js";
import type { SourcedObject, VerifyInput } from "./input.js";
import { crossTenantTraffic } from "./rules/cross-tenant-traffic.js";
import { manifestUnreadable } from "./rules/manifest-unreadable.js";
import { metadataServiceEgress } from "./rules/metadata-service-egress.js";
import { networkNotModelled } from "./rules/network-not-modelled.js";
import { networkPolicyInvalid } from "./rules/network-policy-invalid.js";
import { rbacAdminBinding } from "./rules/rbac-admin-binding.js";
import { rbacEscalation } from "./rules/rbac-escalation.js";
import { rbacSubjectScope } from "./rules/rbac-subject-scope.js";

export type Tenancy = { readonly kind: "namespace" } | { readonly kind: "label"; readonly key: string };

export const TENANCY_RULES: readonly VerifyRule[] = [
  manifestUnreadable,
  networkPolicyInvalid,
  networkNotModelled,
  crossTenantTraffic,
  metadataServiceEgress,
  rbacSubjectScope,
  rbacEscalation,
  rbacAdminBinding,
];

/** Namespaces of the cluster itself, never a tenant. */
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "default"]);

export function parseTenancy(text: string): Tenancy {
  if (text === "namespace") return { kind: "namespace" };
  const label = /^label:([A-Za-z0-9./_-]+)$/.exec(text);
  if (label?.[1] !== undefined) return { kind: "label", key: label[1] };
  throw failure(
    "usage/tenancy",
    `--tenancy ${JSON.stringify(text)} is not understood`,
    "use --tenancy namespace (each namespace a tenant) or --tenancy label:<key> (each value of that namespace label a tenant)",
  );
}

export function tenancyInput(
  objects: readonly SourcedObject[],
  unreadable: VerifyInput["unreadable"],
  tenancy: Tenancy,
  podCidr: string | undefined,
): VerifyInput {
  const labels = new Map<string, Readonly<Record<string, string>>>();
  for (const { object } of objects) {
    if (object.kind === "Namespace") labels.set(object.metadata.name, object.metadata.labels ?? {});
    else if (object.metadata.namespace !== undefined && !labels.has(object.metadata.namespace))
      labels.set(object.metadata.namespace, {});
  }
  const owners = new Map<string, string>();
  for (const [namespace, nsLabels] of labels) {
    if (SYSTEM_NAMESPACES.has(namespace)) continue;
    const tenant = tenancy.kind === "namespace" ? namespace : nsLabels[tenancy.key];
    if (tenant !== undefined && tenant !== "") owners.set(namespace, tenant);
  }
  const zone: ZoneModel = {
    name: "tenants",
    platform: "manifests",
    customerData: false,
    customerDataCidrs: [],
    deniedEgressCidrs: [],
    dedicatedNodes: false,
    allowSharedDataServices: false,
  };
  const names = [...new Set(owners.values())].sort();
  const firstNamespace = new Map<string, string>();
  for (const [namespace, tenant] of [...owners].sort())
    if (!firstNamespace.has(tenant)) firstNamespace.set(tenant, namespace);
  // Only what the tenancy rules read is filled in: the name, the zone, the namespace and no identity-provider groups.
  const tenants = names.map(
    (name) =>
      ({
        name,
        platform: "manifests",
        zone,
        namespace: firstNamespace.get(name) ?? name,
        settings: { admins: [], viewers: [] },
      }) as unknown as TenantModel,
  );
  const model = {
    platform: "manifests",
    cluster: { name: "cluster", vpcCidr: podCidr ?? "", ...(podCidr === undefined ? {} : { podCidr }) },
    ingress: { className: "alb" },
    zones: [zone],
    tenants,
    addons: [],
  } as unknown as Model;
  return { model, objects, unreadable: unreadable ?? [], tenancy: owners };
}
