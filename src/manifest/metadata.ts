import { LABEL, MANAGED_BY } from "../model/names.js";
import type { TenantModel, ZoneModel } from "../model/resolve.js";
import type { ObjectMeta } from "./object.js";

/** Metadata of an object of a zone's shared services (no tenant label: it serves several). */
export function zoneMeta(
  zone: ZoneModel,
  namespace: string | undefined,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ObjectMeta {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels: { ...managedLabels(zone.platform), [LABEL.zone]: zone.name, ...extra.labels },
    ...(extra.annotations === undefined ? {} : { annotations: extra.annotations }),
  };
}

/** Labels every object of a tenant carries: the owner, the tenant and its zone. */
export function tenantLabels(tenant: TenantModel): Record<string, string> {
  return { ...managedLabels(tenant.platform), ...tenantIdentityLabels(tenant) };
}

/** The owner labels: applied by tenantctl, for this platform. */
export function managedLabels(platform: string): Record<string, string> {
  return { [LABEL.managedBy]: MANAGED_BY, [LABEL.platform]: platform };
}

/**
 * The tenant and zone labels alone, for what operators create on the tenant's behalf (the
 * database's pods and volumes): they belong to the tenant, but tenantctl did not apply them,
 * so they must not look managed by tenantctl (prune would otherwise consider them).
 */
export function tenantIdentityLabels(tenant: TenantModel): Record<string, string> {
  return { [LABEL.tenant]: tenant.name, [LABEL.zone]: tenant.zone.name };
}

/** Metadata of a namespaced object of the tenant. */
export function tenantMeta(
  tenant: TenantModel,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ObjectMeta {
  return {
    name,
    namespace: tenant.namespace,
    labels: { ...tenantLabels(tenant), ...extra.labels },
    ...(extra.annotations === undefined ? {} : { annotations: extra.annotations }),
  };
}
