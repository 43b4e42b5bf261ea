/**
 * The environment contract shared by every product's builder (ARCHITECTURE invariant 1): a
 * secret is always a reference, never a value. The renderer turns references into
 * `secretKeyRef`s, the local runtime reads them from its 0600 state files.
 */
export interface SecretRef {
  readonly secret: string;
  readonly key: string;
}
export type EnvValue = { readonly value: string } | { readonly secretRef: SecretRef };
export interface EnvVar {
  readonly name: string;
  readonly from: EnvValue;
}

/** Where the tenant's database and Redis are, as the product's processes see them. */
export type DatabaseTls =
  | { readonly mode: "off" }
  | { readonly mode: "verify"; readonly ca: SecretRef }
  | { readonly mode: "unverified" };

export interface DataConnections {
  readonly database: {
    readonly host: EnvValue;
    readonly port: EnvValue;
    readonly name: EnvValue;
    readonly user: EnvValue;
    readonly password: SecretRef;
    /**
     * TLS to PostgreSQL: verified against the server's CA (a PEM in a secret) where the
     * tenant can hold the CA, encrypted only where it cannot, off on loopback.
     */
    readonly tls: DatabaseTls;
  };
  readonly redis: {
    readonly host: string;
    readonly port: number;
    /** Set for an ACL user on a shared Redis. */
    readonly username?: SecretRef;
    readonly password: SecretRef;
  };
  /** Set when the product talks to RabbitMQ: its own cluster, or a vhost on the zone's. */
  readonly rabbitmq?: {
    readonly host: string;
    readonly port: number;
    readonly vhost: string;
    /** The management API (KEDA reads queue lengths there). */
    readonly managementPort: number;
    readonly username: SecretRef;
    readonly password: SecretRef;
  };
}
