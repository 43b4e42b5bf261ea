import { zoneDataNamespace } from "../model/names.js";
import type { Model, TenantModel, ZoneModel } from "../model/resolve.js";

/** Whose a namespace is: a tenant's (and its zone), or a zone's data namespace. */
export interface Scope {
  readonly tenant: TenantModel | undefined;
  readonly zone: ZoneModel | undefined;
}

/** Namespace → owner, from the platform's intent (the model), never from labels a manifest carries. */
export function namespaceOwners(
  model: Model | undefined,
  tenancy?: ReadonlyMap<string, string>,
): Map<string, Scope> {
  const out = new Map<string, Scope>();
  if (model === undefined) return out;
  for (const zone of model.zones) out.set(zoneDataNamespace(zone.name), { tenant: undefined, zone });
  for (const tenant of model.tenants) out.set(tenant.namespace, { tenant, zone: tenant.zone });
  // Manifests tenantctl did not render: the namespaces each tenant was given by --tenancy.
  const byName = new Map(model.tenants.map((t) => [t.name, t]));
  for (const [namespace, name] of tenancy ?? []) {
    const tenant = byName.get(name);
    if (tenant !== undefined) out.set(namespace, { tenant, zone: tenant.zone });
  }
  return out;
}
