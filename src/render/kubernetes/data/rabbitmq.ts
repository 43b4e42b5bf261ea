/**
 * RabbitMQ as the cluster operator runs it (`RabbitmqCluster`, rabbitmq.com/v1beta1): a
 * tenant's own broker (isolation `instance`), or a zone's shared one (zone-rabbitmq.ts).
 * The operator makes the StatefulSet; its pods are held to Pod Security `restricted` through
 * the cluster's `override` (the operator's own pod runs as uid 999 but keeps its capabilities),
 * and run on the on-demand database pool: a broker holds messages in flight.
 */
import { KEEP_DATA_ANNOTATIONS } from "../../../model/names.js";
import type { EffectiveResources } from "../../../model/defaults.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import { type Placement, placement } from "../../../model/scheduling.js";
import { PINNED } from "../../../versions.js";
import type { KubernetesObject, ObjectMeta } from "../../../manifest/object.js";
import { tenantIdentityLabels, tenantMeta } from "../../../manifest/metadata.js";
import {
  containerResources,
  RESTRICTED_CONTAINER_SECURITY,
  restrictedPodSecurity,
} from "../../../manifest/pod.js";

/** The uid/gid of the `rabbitmq` user in the official image (the operator's default too). */
const RABBITMQ_UID = 999;

export interface BrokerShape {
  readonly replicas: number;
  readonly storage: string;
  readonly resources: EffectiveResources;
  readonly place: Placement;
  /** Labels on its pods beside the operator's (tenant identity, so that policies and verify can tell whose). */
  readonly podLabels: Record<string, string>;
}

export function renderRabbitmqCluster(_model: Model, tenant: TenantModel): KubernetesObject {
  const { replicas, storage, resources } = tenant.settings.rabbitmq;
  return rabbitmqCluster(
    tenantMeta(tenant, tenant.data.rabbitmqCluster, { annotations: { ...KEEP_DATA_ANNOTATIONS } }),
    {
      replicas,
      storage,
      resources,
      place: placement(tenant, "rabbitmq"),
      podLabels: tenantIdentityLabels(tenant),
    },
  );
}

export function rabbitmqCluster(metadata: ObjectMeta, shape: BrokerShape): KubernetesObject {
  return {
    apiVersion: "rabbitmq.com/v1beta1",
    kind: "RabbitmqCluster",
    metadata,
    spec: {
      image: PINNED.rabbitmqImage,
      override: {
        statefulSet: {
          spec: {
            template: {
              metadata: { labels: shape.podLabels },
              spec: {
                containers: [{ name: "rabbitmq", securityContext: RESTRICTED_CONTAINER_SECURITY }],
                initContainers: [{ name: "setup-container", securityContext: RESTRICTED_CONTAINER_SECURITY }],
                nodeSelector: shape.place.nodeSelector,
                securityContext: restrictedPodSecurity(RABBITMQ_UID),
              },
            },
          },
        },
      },
      persistence: { storage: shape.storage },
      rabbitmq: {
        // Quorum queues by default: a message survives the loss of a node where there are three.
        additionalConfig: "default_queue_type = quorum\n",
      },
      replicas: shape.replicas,
      resources: containerResources(shape.resources),
      ...(shape.place.tolerations.length === 0 ? {} : { tolerations: shape.place.tolerations }),
    },
  };
}
