import type { Model, TenantModel } from "./resolve.js";
import { usesSharedServer } from "./data-services.js";

/**
 * A zone's tenants on its shared servers: those whose product needs the service and whose
 * isolation is the shared one (`database`, `acl`, `vhost`). The zone's services, their generated
 * secrets and apply's ownership checks all start from this one list.
 */
export function zoneSharedTenants(
  model: Model,
  zone: string,
): {
  readonly database: readonly TenantModel[];
  readonly redis: readonly TenantModel[];
  readonly rabbitmq: readonly TenantModel[];
} {
  const tenants = model.tenants.filter((t) => t.zone.name === zone);
  return {
    database: tenants.filter((t) => usesSharedServer(t.settings, t.product.dataServices, "database")),
    redis: tenants.filter((t) => usesSharedServer(t.settings, t.product.dataServices, "redis")),
    rabbitmq: tenants.filter((t) => usesSharedServer(t.settings, t.product.dataServices, "rabbitmq")),
  };
}
