/**
 * Secrets of the `generated` provider, created by `apply` inside the cluster: random values,
 * once. An existing Secret is never overwritten (its encryption key is what keeps the
 * tenant's credentials readable). The zone's derived secrets (a tenant's database role in the
 * shared cluster, the shared Redis's ACL file with password hashes) follow from the tenants'.
 */
import { randomBytes } from "node:crypto";
import {
  DATA_BEARING_ANNOTATION,
  LABEL,
  MANAGED_BY,
  OWNER_ANNOTATION,
  platformIdentity,
  ZONE_REDIS_ACL_SECRET,
  zoneDataNamespace,
  zoneRoleSecret,
} from "../model/names.js";
import { aclFileText } from "../model/redis-acl.js";
import { zoneSharedTenants } from "../model/shared-data.js";
import type { Model, TenantModel, ZoneModel } from "../model/resolve.js";
import { databaseRole, redisAclUser, type TenantSecret, tenantSecrets } from "../model/secrets.js";
import { KubeApiError, type KubeClient } from "./kube-client.js";
import type { ObjectRef } from "../manifest/references.js";

export interface SecretOutcome {
  readonly ref: ObjectRef;
  readonly tenant: string | undefined;
  readonly outcome: "created" | "unchanged" | "configured";
}

type SecretData = Record<string, string>;

/** Values of the tenants' generated secrets, by `<tenant>/<purpose>`: read where they exist, else drawn once. */
export type SecretValues = Map<string, SecretData>;

/**
 * The zone secrets derived from tenants' secrets (a shared database's role passwords, a shared
 * Redis's ACL file), written before the tenants' own: the tenants' values are read where their
 * secrets exist and drawn where they do not, and kept in `values` so that each tenant's secret
 * is then created with the very value its zone already uses.
 */
export async function ensureZoneSecrets(
  client: KubeClient,
  model: Model,
  values: SecretValues,
  options: { dryRun: boolean },
): Promise<SecretOutcome[]> {
  const out: SecretOutcome[] = [];
  for (const zone of model.zones) {
    const { database: shared, redis: acl } = zoneSharedTenants(model, zone.name);
    const ns = zoneDataNamespace(zone.name);
    for (const tenant of [...new Set([...shared, ...acl])]) await readOrDraw(client, tenant, values);
    for (const tenant of shared) {
      const password = values.get(`${tenant.name}/database`)?.password ?? "";
      const result = await createIfMissing(
        client,
        ns,
        zoneRoleSecret(tenant.name),
        { username: databaseRole(tenant), password },
        {
          platform: model.platform,
          cluster: model.cluster.name,
          tenant: tenant.name,
          zone: zone.name,
          dataBearing: true,
          dryRun: options.dryRun,
          type: "kubernetes.io/basic-auth",
        },
      );
      out.push({
        ref: secretRef(ns, zoneRoleSecret(tenant.name)),
        tenant: undefined,
        outcome: result.outcome,
      });
    }
    if (acl.length > 0) {
      const file = aclFile(acl, (t) => values.get(`${t.name}/redis`)?.password ?? "");
      const outcome = await upsertDerived(
        client,
        ns,
        ZONE_REDIS_ACL_SECRET,
        { "users.acl": file },
        zone,
        model.cluster.name,
        options.dryRun,
      );
      out.push({ ref: secretRef(ns, ZONE_REDIS_ACL_SECRET), tenant: undefined, outcome });
    }
  }
  return out;
}

/** A tenant's generated secrets, created once its namespace exists; existing ones are never changed. */
export async function ensureTenantSecrets(
  client: KubeClient,
  model: Model,
  tenant: TenantModel,
  values: SecretValues,
  options: { dryRun: boolean },
): Promise<SecretOutcome[]> {
  const out: SecretOutcome[] = [];
  for (const secret of tenantSecrets(tenant)) {
    const result = await createIfMissing(
      client,
      tenant.namespace,
      secret.name,
      values.get(`${tenant.name}/${secret.purpose}`) ?? draw(tenant, secret),
      {
        platform: model.platform,
        cluster: model.cluster.name,
        tenant: tenant.name,
        zone: tenant.zone.name,
        dataBearing: secret.dataBearing,
        dryRun: options.dryRun,
      },
    );
    out.push({ ref: secretRef(tenant.namespace, secret.name), tenant: tenant.name, outcome: result.outcome });
  }
  return out;
}

/** The tenant's secret values as they exist in its namespace, or new ones where they do not (yet). */
async function readOrDraw(client: KubeClient, tenant: TenantModel, values: SecretValues): Promise<void> {
  for (const secret of tenantSecrets(tenant)) {
    const key = `${tenant.name}/${secret.purpose}`;
    if (values.has(key)) continue;
    const path = `/api/v1/namespaces/${tenant.namespace}/secrets/${secret.name}`;
    const existing = await client.request<{ data?: Record<string, string> }>("GET", path);
    if (existing.status !== 200 && existing.status !== 404)
      throw new KubeApiError(existing.status, "", `reading Secret ${tenant.namespace}/${secret.name} failed`);
    values.set(key, existing.status === 200 ? decode(existing.body.data) : draw(tenant, secret));
  }
}

function draw(tenant: TenantModel, secret: TenantSecret): SecretData {
  const wanted: SecretData = {};
  for (const { key, source } of secret.keys) {
    if (source.kind === "random") wanted[key] = randomBytes(source.bytes).toString("base64url");
    else if (source.kind === "fixed") wanted[key] = source.value;
    else throw new Error(`secret ${secret.name} of ${tenant.name} needs a value only AWS can give (${key})`);
  }
  return wanted;
}

/** Every Secret the generated provider creates or rewrites: apply refuses to start when one exists and is not this platform's. */
export function generatedSecretRefs(model: Model): { ref: ObjectRef; tenant: string | undefined }[] {
  if (model.secretProvider !== "generated") return [];
  const out: { ref: ObjectRef; tenant: string | undefined }[] = [];
  for (const tenant of model.tenants) {
    for (const secret of tenantSecrets(tenant))
      out.push({ ref: secretRef(tenant.namespace, secret.name), tenant: tenant.name });
  }
  for (const zone of model.zones) {
    const { database, redis } = zoneSharedTenants(model, zone.name);
    const ns = zoneDataNamespace(zone.name);
    for (const t of database) out.push({ ref: secretRef(ns, zoneRoleSecret(t.name)), tenant: undefined });
    if (redis.length > 0) out.push({ ref: secretRef(ns, ZONE_REDIS_ACL_SECRET), tenant: undefined });
  }
  return out;
}

/** The shared Redis's ACL file: default user off; each tenant confined to its prefix; SHA-256 of passwords only. */
export function aclFile(tenants: readonly TenantModel[], password: (t: TenantModel) => string): string {
  return aclFileText(
    tenants.map((t) => ({ user: redisAclUser(t), prefix: t.redisPrefix, password: password(t) })),
  );
}

function secretRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: "v1", kind: "Secret", namespace, name };
}

const decode = (data: Record<string, string> | undefined): SecretData =>
  Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );
const encode = (data: SecretData): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]));

async function createIfMissing(
  client: KubeClient,
  namespace: string,
  name: string,
  wanted: SecretData,
  meta: {
    platform: string;
    tenant: string;
    zone: string;
    cluster: string;
    dataBearing: boolean;
    dryRun: boolean;
    type?: string;
  },
): Promise<{ outcome: "created" | "unchanged"; data: SecretData }> {
  const path = `/api/v1/namespaces/${namespace}/secrets`;
  const existing = await client.request<{ data?: Record<string, string> }>("GET", `${path}/${name}`);
  if (existing.status === 200) return { outcome: "unchanged", data: decode(existing.body.data) };
  if (existing.status !== 404)
    throw new KubeApiError(existing.status, "", `reading Secret ${namespace}/${name} failed`);
  await client.call("POST", path, {
    query: { fieldManager: "tenantctl", ...(meta.dryRun ? { dryRun: "All" } : {}) },
    body: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name,
        namespace,
        labels: {
          [LABEL.managedBy]: MANAGED_BY,
          [LABEL.platform]: meta.platform,
          [LABEL.tenant]: meta.tenant,
          [LABEL.zone]: meta.zone,
        },
        annotations: {
          [OWNER_ANNOTATION]: platformIdentity(meta.platform, meta.cluster),
          "tenantctl.io/generated": "true",
          ...(meta.dataBearing ? { [DATA_BEARING_ANNOTATION]: "true" } : {}),
        },
      },
      type: meta.type ?? "Opaque",
      data: encode(wanted),
    },
  });
  return { outcome: "created", data: wanted };
}

/** A secret derived from others (not data-bearing): created, or rewritten when it no longer matches. */
async function upsertDerived(
  client: KubeClient,
  namespace: string,
  name: string,
  wanted: SecretData,
  zone: ZoneModel,
  cluster: string,
  dryRun: boolean,
): Promise<"created" | "unchanged" | "configured"> {
  const path = `/api/v1/namespaces/${namespace}/secrets`;
  const existing = await client.request<{ data?: Record<string, string> }>("GET", `${path}/${name}`);
  const body = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      namespace,
      labels: { [LABEL.managedBy]: MANAGED_BY, [LABEL.platform]: zone.platform, [LABEL.zone]: zone.name },
      annotations: { [OWNER_ANNOTATION]: platformIdentity(zone.platform, cluster) },
    },
    type: "Opaque",
    data: encode(wanted),
  };
  const query = { fieldManager: "tenantctl", ...(dryRun ? { dryRun: "All" } : {}) };
  if (existing.status === 404) {
    await client.call("POST", path, { query, body });
    return "created";
  }
  if (JSON.stringify(decode(existing.body.data)) === JSON.stringify(wanted)) return "unchanged";
  await client.call("PUT", `${path}/${name}`, { query, body });
  return "configured";
}
