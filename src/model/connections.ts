/** Where a tenant's database and Redis are inside the cluster, by isolation mode, for any product's env builder. */
import type { DataConnections, EnvValue } from "../products/contract/environment.js";
import { DATA, PORT, zoneDataNamespace } from "./names.js";
import type { TenantModel } from "./resolve.js";
import { databaseName, databaseRole } from "./secrets.js";
import { poolerOf } from "./footprint.js";

export function kubernetesConnections(tenant: TenantModel): DataConnections {
  const db = tenant.data.databaseSecret;
  const fromDbSecret = (key: string): EnvValue => ({ secretRef: { secret: db, key } });
  const isolation = tenant.settings.database.isolation;
  const database: DataConnections["database"] =
    isolation === "rds"
      ? {
          host: fromDbSecret("host"),
          port: fromDbSecret("port"),
          name: fromDbSecret("dbname"),
          user: fromDbSecret("username"),
          password: { secret: db, key: "password" },
          tls: { mode: "verify", ca: { secret: db, key: "sslCa" } },
        }
      : {
          host: {
            value:
              isolation === "cluster"
                ? serviceHost(
                    poolerOf(tenant.settings, tenant.product.dataServices) === undefined
                      ? `${tenant.data.databaseCluster}-rw`
                      : tenant.data.databasePooler,
                    tenant.namespace,
                  )
                : serviceHost(`${DATA.sharedDbCluster}-rw`, zoneDataNamespace(tenant.zone.name)),
          },
          port: { value: String(PORT.postgres) },
          name: { value: databaseName(tenant) },
          user: { value: databaseRole(tenant) },
          password: { secret: db, key: "password" },
          // The zone server's CA lives in the zone's namespace, out of the tenant's reach.
          tls:
            isolation === "cluster"
              ? { mode: "verify", ca: { secret: `${tenant.data.databaseCluster}-ca`, key: "ca.crt" } }
              : { mode: "unverified" },
        };
  const acl = tenant.settings.redis.isolation === "acl";
  return {
    ...(tenant.product.dataServices.includes("rabbitmq") ? { rabbitmq: rabbitmqConnection(tenant) } : {}),
    database,
    redis: {
      host: acl
        ? serviceHost(DATA.sharedRedis, zoneDataNamespace(tenant.zone.name))
        : serviceHost(DATA.redis, tenant.namespace),
      port: PORT.redis,
      ...(acl ? { username: { secret: tenant.data.redisSecret, key: "username" } } : {}),
      password: { secret: tenant.data.redisSecret, key: "password" },
    },
  };
}

/**
 * A tenant's own RabbitmqCluster: its Service, and the default user the operator generates in
 * `<cluster>-default-user` (the tenant's alone: the broker is). A vhost on the zone's: the
 * tenant's user, confined to its vhost, whose name is as opaque as its shared database's.
 */
function rabbitmqConnection(tenant: TenantModel): NonNullable<DataConnections["rabbitmq"]> {
  const own = tenant.settings.rabbitmq.isolation === "instance";
  const secret = own ? `${tenant.data.rabbitmqCluster}-default-user` : tenant.data.rabbitmqSecret;
  return {
    host: own
      ? serviceHost(tenant.data.rabbitmqCluster, tenant.namespace)
      : serviceHost(DATA.sharedRabbitmq, zoneDataNamespace(tenant.zone.name)),
    port: PORT.amqp,
    vhost: own ? "/" : tenant.sharedDataIdentifier,
    managementPort: PORT.rabbitmqManagement,
    username: { secret, key: "username" },
    password: { secret, key: "password" },
  };
}

export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}
