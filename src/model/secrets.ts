import { DATA, redisPrefix, SECRET, secretPath } from "./names.js";
import type { TenantModel } from "./resolve.js";

/**
 * The secrets a tenant's stack needs, by purpose. Renderers turn them into ExternalSecrets
 * (values stay in AWS Secrets Manager under `<zone>/<tenant>/<item>`); with the `generated`
 * provider, `apply` and the local runtime create them once with random values. No value
 * is ever part of the model.
 */
export type SecretValueSource =
  | { readonly kind: "random"; readonly bytes: number }
  | { readonly kind: "fixed"; readonly value: string }
  /** Only the AWS layer knows it (RDS endpoint and credentials). */
  | { readonly kind: "external" };

export interface SecretKeySpec {
  readonly key: string;
  readonly source: SecretValueSource;
}

export interface TenantSecret {
  readonly purpose: "encryption-key" | "runner-token" | "redis" | "database";
  readonly name: string;
  readonly keys: readonly SecretKeySpec[];
  /** Path in AWS Secrets Manager; each key is a JSON property of that secret. */
  readonly remotePath: string;
  /** Losing it loses data (encryption key, database credentials): never pruned or overwritten. */
  readonly dataBearing: boolean;
}

const random = (bytes = 32): SecretValueSource => ({ kind: "random", bytes });
const fixed = (value: string): SecretValueSource => ({ kind: "fixed", value });

export function tenantSecrets(tenant: TenantModel): TenantSecret[] {
  const path = (item: string) => secretPath(tenant.zone.name, tenant.name, item);
  const secrets: TenantSecret[] = [
    {
      purpose: "encryption-key",
      name: SECRET.core.name,
      keys: [{ key: "encryptionKey", source: random() }],
      remotePath: path("n8n"),
      dataBearing: true,
    },
    {
      purpose: "runner-token",
      name: SECRET.runners.name,
      keys: [{ key: "authToken", source: random() }],
      remotePath: path("runners"),
      dataBearing: false,
    },
    {
      purpose: "redis",
      name: SECRET.redis.name,
      keys:
        tenant.settings.redis.isolation === "acl"
          ? [
              { key: "username", source: fixed(redisAclUser(tenant.name)) },
              { key: "password", source: random() },
            ]
          : [{ key: "password", source: random() }],
      remotePath: path("redis"),
      dataBearing: false,
    },
  ];
  const isolation = tenant.settings.database.isolation;
  secrets.push({
    purpose: "database",
    name: SECRET.database.name,
    keys:
      isolation === "rds"
        ? SECRET.rds.keys.map((key) => ({ key, source: { kind: "external" } as const }))
        : [
            { key: "username", source: fixed(databaseRole(tenant)) },
            { key: "password", source: random() },
          ],
    remotePath: path(isolation === "rds" ? "rds" : "db"),
    dataBearing: true,
  });
  return secrets;
}

/** The database role (and, for shared servers, the database name) of a tenant. */
export function databaseRole(tenant: TenantModel): string {
  return tenant.settings.database.isolation === "database" ? tenant.sharedDataIdentifier : DATA.dbOwner;
}

export function databaseName(tenant: TenantModel): string {
  return tenant.settings.database.isolation === "database" ? tenant.sharedDataIdentifier : DATA.dbName;
}

/** The ACL user of a tenant on its zone's shared Redis: named like its key prefix. */
export function redisAclUser(tenant: string): string {
  return redisPrefix(tenant);
}
