/**
 * THE environment builder of a service product's component (ARCHITECTURE invariant 1): its own
 * `env`, its `secretEnv` (references to the tenant's secrets), then, for each data service it
 * talks to and only those, where that service is, under the names its client libraries read
 * by themselves (libpq's PG*, and REDIS_* / RABBITMQ_* by convention).
 */
import { own } from "../../lib/own.js";
import type { Component } from "../../input/schema.js";
import type { DataConnections, EnvValue, EnvVar } from "../contract/environment.js";
import { DATA_SERVICE_OF, secretEnvSecret } from "./declaration.js";

/** Where a component finds the PostgreSQL server's CA when the connection is verified (a mounted Secret). */
export const POSTGRES_CA_DIRECTORY = "/etc/tenantctl/postgres-ca";

export interface ComponentEnvInput {
  readonly product: string;
  readonly connections: DataConnections;
  /** The key prefix of the tenant on Redis (its own or the zone's). */
  readonly redisPrefix: string;
}

const lit = (value: string | number): EnvValue => ({ value: String(value) });

const INJECTED = {
  postgres: ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE", "PGSSLROOTCERT"],
  redis: ["REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_KEY_PREFIX"],
  rabbitmq: ["RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_VHOST", "RABBITMQ_USERNAME", "RABBITMQ_PASSWORD"],
} as const satisfies Record<keyof typeof DATA_SERVICE_OF, readonly string[]>;

/** The variables tenantctl sets for the data services a component talks to (its own env may not set them). */
export function injectedEnvNames(c: Component): Set<string> {
  return new Set((c.talksTo ?? []).flatMap((t) => own<readonly string[]>(INJECTED, t) ?? []));
}

export function buildComponentEnv(c: Component, input: ComponentEnvInput): EnvVar[] {
  const talks = new Set(c.talksTo ?? []);
  const env: [string, EnvValue][] = [
    ...Object.entries(c.env ?? {}).map(([name, value]): [string, EnvValue] => [name, lit(value)]),
    ...Object.entries(c.secretEnv ?? {}).map(([name, ref]): [string, EnvValue] => [
      name,
      { secretRef: { secret: secretEnvSecret(input.product, ref.item), key: ref.key } },
    ]),
  ];
  const { database, redis, rabbitmq } = input.connections;
  if (talks.has("postgres")) {
    env.push(
      ["PGHOST", database.host],
      ["PGPORT", database.port],
      ["PGDATABASE", database.name],
      ["PGUSER", database.user],
      ["PGPASSWORD", { secretRef: database.password }],
      [
        "PGSSLMODE",
        lit(
          database.tls.mode === "verify"
            ? "verify-full"
            : database.tls.mode === "unverified"
              ? "require"
              : "disable",
        ),
      ],
    );
    if (database.tls.mode === "verify") env.push(["PGSSLROOTCERT", lit(`${POSTGRES_CA_DIRECTORY}/ca.crt`)]);
  }
  if (talks.has("redis")) {
    env.push(["REDIS_HOST", lit(redis.host)], ["REDIS_PORT", lit(redis.port)]);
    if (redis.username !== undefined) env.push(["REDIS_USERNAME", { secretRef: redis.username }]);
    env.push(
      ["REDIS_PASSWORD", { secretRef: redis.password }],
      ["REDIS_KEY_PREFIX", lit(`${input.redisPrefix}:`)],
    );
  }
  if (talks.has("rabbitmq") && rabbitmq !== undefined) {
    env.push(
      ["RABBITMQ_HOST", lit(rabbitmq.host)],
      ["RABBITMQ_PORT", lit(rabbitmq.port)],
      ["RABBITMQ_VHOST", lit(rabbitmq.vhost)],
      ["RABBITMQ_USERNAME", { secretRef: rabbitmq.username }],
      ["RABBITMQ_PASSWORD", { secretRef: rabbitmq.password }],
    );
  }
  return env.map(([name, from]) => ({ name, from }));
}
