/**
 * The secrets a tenant's stack needs, by purpose. Renderers turn them into ExternalSecrets
 * (values stay in AWS Secrets Manager under `<zone>/<tenant>/<item>`); with the `generated`
 * provider, `apply` and the local runtime create them once with random values. No value
 * is ever part of the model.
 */
import { DATA_SECRET_KEYS, SECRET_ITEM, secretPath } from "./names.js";
import type { TenantModel } from "./resolve.js";
import { usesSharedServer } from "./data-services.js";

export type SecretValueSource =
  | { readonly kind: "random"; readonly bytes: number }
  | { readonly kind: "fixed"; readonly value: string }
  /** Only AWS knows it (the RDS endpoint and credentials, put in Secrets Manager beside the database). */
  | { readonly kind: "external" };

export interface SecretKeySpec {
  readonly key: string;
  readonly source: SecretValueSource;
}

export interface TenantSecret {
  /** "redis", "database", or the purpose of one of the product's own secrets. */
  readonly purpose: string;
  readonly name: string;
  readonly keys: readonly SecretKeySpec[];
  /** Path in AWS Secrets Manager; each key is a JSON property of that secret. */
  readonly remotePath: string;
  /** Losing it loses data (encryption key, database credentials): never pruned or overwritten. */
  readonly dataBearing: boolean;
  /** Only its user knows the value (an alert receiver's URL): the AWS layer makes no secret for it. */
  readonly userSupplied?: boolean;
}

const random = (bytes = 32): SecretValueSource => ({ kind: "random", bytes });
const fixed = (value: string): SecretValueSource => ({ kind: "fixed", value });

export function tenantSecrets(tenant: TenantModel): TenantSecret[] {
  const path = (item: string) => secretPath(tenant.zone.name, tenant.name, item);
  const own = tenant.product.secrets.map(
    (secret): TenantSecret => ({
      purpose: secret.purpose,
      name: secret.name,
      keys: secret.keys.map((key) => ({
        key,
        source: secret.source === "random" ? random() : ({ kind: "external" } as const),
      })),
      remotePath: path(secret.item),
      dataBearing: secret.dataBearing,
    }),
  );
  const services = tenant.product.dataServices;
  // A tenant's own RabbitmqCluster makes its default user's secret itself; a vhost user's comes from here.
  const rabbitmq: TenantSecret[] = usesSharedServer(tenant.settings, services, "rabbitmq")
    ? [
        {
          purpose: "rabbitmq",
          name: tenant.data.rabbitmqSecret,
          keys: [
            { key: "username", source: fixed(tenant.sharedDataIdentifier) },
            { key: "password", source: random() },
          ],
          remotePath: path(SECRET_ITEM.rabbitmq),
          dataBearing: false,
        },
      ]
    : [];
  const redis: TenantSecret[] = !services.includes("redis")
    ? []
    : [
        {
          purpose: "redis",
          name: tenant.data.redisSecret,
          keys:
            tenant.settings.redis.isolation === "acl"
              ? [
                  { key: "username", source: fixed(redisAclUser(tenant)) },
                  { key: "password", source: random() },
                ]
              : [{ key: "password", source: random() }],
          remotePath: path(SECRET_ITEM.redis),
          dataBearing: false,
        },
      ];
  const isolation = tenant.settings.database.isolation;
  const database: TenantSecret[] = !services.includes("database")
    ? []
    : [
        {
          purpose: "database",
          name: tenant.data.databaseSecret,
          keys:
            isolation === "rds"
              ? DATA_SECRET_KEYS.rds.map((key) => ({ key, source: { kind: "external" } as const }))
              : [
                  { key: "username", source: fixed(databaseRole(tenant)) },
                  { key: "password", source: random() },
                ],
          remotePath: path(isolation === "rds" ? SECRET_ITEM.rds : SECRET_ITEM.database),
          dataBearing: true,
        },
      ];
  return [...own, ...redis, ...rabbitmq, ...database, ...alertReceiverSecrets(tenant, path)];
}

/** A receiver's credentials: a webhook's or Slack's URL, an SMTP password; only the user knows them. */
function alertReceiverSecrets(tenant: TenantModel, path: (item: string) => string): TenantSecret[] {
  return tenant.settings.alerts.receivers.map((receiver) => ({
    purpose: `alerts-${receiver.name}`,
    name: alertReceiverSecret(receiver.name),
    keys: [{ key: receiver.type === "email" ? "password" : "url", source: { kind: "external" } }],
    remotePath: path(alertReceiverSecret(receiver.name)),
    dataBearing: false,
    userSupplied: true,
  }));
}

/** The Secret (and Secrets Manager item) of a tenant's alert receiver's credentials. */
export function alertReceiverSecret(receiver: string): string {
  return `alerts-${receiver}`;
}

/** The database role (and, for shared servers, the database name) of a tenant. */
export function databaseRole(tenant: TenantModel): string {
  return tenant.settings.database.isolation === "database"
    ? tenant.sharedDataIdentifier
    : tenant.data.databaseOwner;
}

export function databaseName(tenant: TenantModel): string {
  return tenant.settings.database.isolation === "database"
    ? tenant.sharedDataIdentifier
    : tenant.data.databaseName;
}

/** The ACL user of a tenant on its zone's shared Redis: named like its key prefix. */
export function redisAclUser(tenant: TenantModel): string {
  return tenant.redisPrefix;
}
