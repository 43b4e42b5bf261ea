import { DATA, SECRET, zoneDataNamespace } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import { databaseName, databaseRole } from "../../../model/secrets.js";
import type { EnvValue, N8nConnections } from "../../../n8n/env.js";

/** Where a tenant's database and Redis are inside the cluster, by isolation mode. */
export function kubernetesConnections(tenant: TenantModel): N8nConnections {
  const db = SECRET.database.name;
  const fromDbSecret = (key: string): EnvValue => ({ secretRef: { secret: db, key } });
  const isolation = tenant.settings.database.isolation;
  const database: N8nConnections["database"] =
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
                ? serviceHost(`${DATA.dbCluster}-rw`, tenant.namespace)
                : serviceHost(`${DATA.sharedDbCluster}-rw`, zoneDataNamespace(tenant.zone.name)),
          },
          port: { value: String(DATA.dbPort) },
          name: { value: databaseName(tenant) },
          user: { value: databaseRole(tenant) },
          password: { secret: db, key: "password" },
          // The zone server's CA lives in the zone's namespace, out of the tenant's reach.
          tls:
            isolation === "cluster"
              ? { mode: "verify", ca: { secret: `${DATA.dbCluster}-ca`, key: "ca.crt" } }
              : { mode: "unverified" },
        };
  const acl = tenant.settings.redis.isolation === "acl";
  return {
    database,
    redis: {
      host: acl
        ? serviceHost(DATA.sharedRedis, zoneDataNamespace(tenant.zone.name))
        : serviceHost(DATA.redis, tenant.namespace),
      port: DATA.redisPort,
      ...(acl ? { username: { secret: SECRET.redis.name, key: "username" } } : {}),
      password: { secret: SECRET.redis.name, key: "password" },
    },
  };
}

export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}
