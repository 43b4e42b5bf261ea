/**
 * A zone's shared RabbitMQ (isolation `vhost`): one broker in the zone's data namespace, and
 * for each tenant, through the messaging topology operator, a vhost, a user confined to it
 * (its only permission) and the user's credentials from the tenant's path in Secrets Manager.
 * Vhost and user names are the tenant's opaque shared identifier, as on the shared PostgreSQL:
 * a user can list nothing of other vhosts, but names travel in logs and metrics.
 *
 * The topology objects live beside the broker: the operator honours references from other
 * namespaces only where the RabbitmqCluster allows them (`rabbitmq.com/topology-allowed-namespaces`),
 * which this one never does, so no tenant can declare a user on the shared broker.
 */
import {
  DATA,
  KEEP_DATA_ANNOTATIONS,
  LABEL,
  NETWORK_POLICY,
  NODE_POOL,
  SECRET_ITEM,
  secretPath,
  zoneDatabaseObject,
  zoneRabbitmqUserSecret,
  zoneSecretStore,
} from "../../../model/names.js";
import { res } from "../../../model/defaults.js";
import type { Model, TenantModel, ZoneModel } from "../../../model/resolve.js";
import { poolPlacement } from "../../../model/scheduling.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { managedLabels } from "../../../manifest/metadata.js";
import { allowFromNamespace, clientPods, rabbitmqPolicy } from "../stack-network.js";
import { rabbitmqCluster } from "./rabbitmq.js";
import type { ZoneMeta } from "./zone-database.js";

export function sharedRabbitmq(
  model: Model,
  zone: ZoneModel,
  tenants: readonly TenantModel[],
  meta: ZoneMeta,
): KubernetesObject[] {
  const cluster = { name: DATA.sharedRabbitmq };
  const perTenant = tenants.flatMap((t): KubernetesObject[] => {
    const name = zoneDatabaseObject(t.product.name, t.name);
    const tenantLabel = { labels: { [LABEL.tenant]: t.name } };
    return [
      userSecret(zone, t, meta),
      {
        apiVersion: "rabbitmq.com/v1beta1",
        kind: "Vhost",
        metadata: meta(name, { ...tenantLabel, annotations: { ...KEEP_DATA_ANNOTATIONS } }),
        spec: { name: t.sharedDataIdentifier, rabbitmqClusterReference: cluster },
      },
      {
        apiVersion: "rabbitmq.com/v1beta1",
        kind: "User",
        metadata: meta(name, tenantLabel),
        spec: {
          importCredentialsSecret: { name: zoneRabbitmqUserSecret(t.name) },
          rabbitmqClusterReference: cluster,
          // Its own vhost's queues on the management API (what KEDA reads), nothing else.
          tags: ["management"],
        },
      },
      {
        apiVersion: "rabbitmq.com/v1beta1",
        kind: "Permission",
        metadata: meta(name, tenantLabel),
        spec: {
          permissions: { configure: ".*", read: ".*", write: ".*" },
          rabbitmqClusterReference: cluster,
          userReference: { name },
          vhost: t.sharedDataIdentifier,
        },
      },
    ];
  });
  return [
    rabbitmqCluster(meta(DATA.sharedRabbitmq, { annotations: { ...KEEP_DATA_ANNOTATIONS } }), {
      replicas: 3,
      storage: "20Gi",
      resources: res("500m", "1Gi", "2", "2Gi"),
      place: poolPlacement(NODE_POOL.database),
      podLabels: { ...managedLabels(zone.platform), [LABEL.zone]: zone.name },
    }),
    ...perTenant,
    rabbitmqPolicy(
      model,
      zone,
      meta(NETWORK_POLICY.rabbitmq),
      DATA.sharedRabbitmq,
      tenants.map((t) => ({ ...allowFromNamespace(t.namespace), podSelector: clientPods(t, "rabbitmq") })),
    ),
  ];
}

/** The tenant user's credentials in the zone's namespace (out of the tenant's reach), what its User imports. */
function userSecret(zone: ZoneModel, t: TenantModel, meta: ZoneMeta): KubernetesObject {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: meta(zoneRabbitmqUserSecret(t.name), { labels: { [LABEL.tenant]: t.name } }),
    spec: {
      data: [
        {
          remoteRef: { key: secretPath(zone.name, t.name, SECRET_ITEM.rabbitmq), property: "password" },
          secretKey: "password",
        },
      ],
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: zoneSecretStore(zone.platform, zone.name) },
      target: {
        creationPolicy: "Owner",
        deletionPolicy: "Retain",
        name: zoneRabbitmqUserSecret(t.name),
        template: { data: { username: t.sharedDataIdentifier }, engineVersion: "v2", mergePolicy: "Merge" },
      },
    },
  };
}
