/**
 * A zone's shared data services, for the tenants that chose the weaker isolation: their own
 * namespace with a default deny, the shared PostgreSQL (zone-database.ts) and the shared
 * Redis (zone-redis.ts), each only when some tenant of the zone uses it.
 */
/**
 * A zone's shared data services, for the tenants that chose the weaker isolation:
 * - `database`: one CloudNativePG cluster per zone; each tenant a role and a database it owns,
 *   and pg_hba lets a role connect to its same-named database only (`sameuser`), over TLS;
 * - `acl`: one Redis per zone; each tenant an ACL user confined to its key prefix and channels.
 * They live in `zone-<zone>-data`, reachable only from the n8n pods of the tenants they serve.
 * The role secrets and the ACL file come from AWS Secrets Manager (the same entries as the
 * tenants' own), or, with generated secrets, are written by `apply`.
 */
import { zoneDataNamespace } from "../../../model/names.js";
import type { Model, ZoneModel } from "../../../model/resolve.js";
import { inWave, WAVE, type Wave } from "../../../manifest/waves.js";
import { restrictedNamespace } from "../namespace.js";
import { renderAllowDns, renderDefaultDeny } from "../network-policy.js";
import type { KubernetesObject, ObjectMeta } from "../../../manifest/object.js";
import { zoneMeta } from "../../../manifest/metadata.js";

import { zoneSharedTenants } from "../../../model/shared-data.js";
import { sharedDatabase } from "./zone-database.js";
import { sharedRedis } from "./zone-redis.js";
import { sharedRabbitmq } from "./zone-rabbitmq.js";

export function renderZoneData(model: Model, zone: ZoneModel): KubernetesObject[] {
  const {
    database: dbTenants,
    redis: aclTenants,
    rabbitmq: vhostTenants,
  } = zoneSharedTenants(model, zone.name);
  if (dbTenants.length === 0 && aclTenants.length === 0 && vhostTenants.length === 0) return [];
  const ns = zoneDataNamespace(zone.name);
  const meta = (name: string, extra: Parameters<typeof zoneMeta>[3] = {}): ObjectMeta =>
    zoneMeta(zone, ns, name, extra);
  const out: KubernetesObject[] = [
    restrictedNamespace(model, ns, zoneMeta(zone, undefined, ns).labels ?? {}),
    renderDefaultDeny((name) => meta(name)),
    renderAllowDns((name) => meta(name)),
  ];
  if (dbTenants.length > 0) out.push(...sharedDatabase(model, zone, dbTenants, meta));
  if (aclTenants.length > 0) out.push(...sharedRedis(model, zone, aclTenants, meta));
  if (vhostTenants.length > 0) out.push(...sharedRabbitmq(model, zone, vhostTenants, meta));
  return out.map((o) => inWave(zoneWave(o.kind), [o])[0] as KubernetesObject);
}

function zoneWave(kind: string): Wave {
  if (kind === "Namespace") return WAVE.namespace;
  if (kind === "NetworkPolicy") return WAVE.isolation;
  if (kind === "ExternalSecret") return WAVE.secrets;
  return WAVE.data;
}
