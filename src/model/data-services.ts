/**
 * Where each data service of a tenant runs, in one place: a server of the tenant's own
 * (PostgreSQL `cluster`, Redis and RabbitMQ `instance`), or the zone's shared one (`database`,
 * `acl`, `vhost`); RDS is neither. Only for the services the tenant's product talks to.
 */
import type { DataServiceKind } from "../products/contract/declaration.js";
import type { EffectiveSettings } from "./defaults.js";

const SETTING = { database: "database", redis: "redis", rabbitmq: "rabbitmq" } as const satisfies Record<
  DataServiceKind,
  keyof EffectiveSettings
>;
const OWN: Record<DataServiceKind, string> = { database: "cluster", redis: "instance", rabbitmq: "instance" };
const SHARED: Record<DataServiceKind, string> = { database: "database", redis: "acl", rabbitmq: "vhost" };

/** The tenant runs a server of its own for this service (its pods, volumes and policies are the tenant's). */
export function ownsServer(
  settings: EffectiveSettings,
  services: readonly DataServiceKind[],
  kind: DataServiceKind,
): boolean {
  return services.includes(kind) && settings[SETTING[kind]].isolation === OWN[kind];
}

/** A CloudNativePG server of the tenant's own (PostgreSQL isolation `cluster`, for a product that uses a database). */
export function ownsDatabaseServer(tenant: {
  readonly settings: EffectiveSettings;
  readonly product: { readonly dataServices: readonly DataServiceKind[] };
}): boolean {
  return ownsServer(tenant.settings, tenant.product.dataServices, "database");
}

/** The tenant uses the zone's shared server for this service. */
export function usesSharedServer(
  settings: EffectiveSettings,
  services: readonly DataServiceKind[],
  kind: DataServiceKind,
): boolean {
  return services.includes(kind) && settings[SETTING[kind]].isolation === SHARED[kind];
}
