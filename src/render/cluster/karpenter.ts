import { karpenterNodeRole, LABEL, NODE_POOL, nodePoolName } from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { clusterMeta } from "./meta.js";

/**
 * Karpenter node pools, one EC2NodeClass each:
 * - general: spot first, on-demand when spot is short; consolidated when under-used;
 * - database: on-demand only, tainted so that only database pods land there, never consolidated
 *   away from under a running database;
 * - a pool per zone with dedicatedNodes, and per dedicated-tier tenant (on-demand; its
 *   database runs there too), each tainted with its own name.
 * Instance metadata needs IMDSv2 with a hop limit of 1, so that pods cannot reach the node's role.
 */
interface PoolSpec {
  readonly name: string;
  readonly capacity: readonly ("spot" | "on-demand")[];
  readonly taint: boolean;
  readonly consolidation: "WhenEmptyOrUnderutilized" | "WhenEmpty";
  readonly cpuLimit: number;
}

export function nodePools(model: Model): PoolSpec[] {
  const pools: PoolSpec[] = [
    {
      name: NODE_POOL.general,
      capacity: ["spot", "on-demand"],
      taint: false,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 1000,
    },
    {
      name: NODE_POOL.database,
      capacity: ["on-demand"],
      taint: true,
      consolidation: "WhenEmpty",
      cpuLimit: 400,
    },
  ];
  for (const zone of model.zones.filter((z) => z.dedicatedNodes)) {
    pools.push({
      name: NODE_POOL.zone(zone.name),
      capacity: ["spot", "on-demand"],
      taint: true,
      consolidation: "WhenEmptyOrUnderutilized",
      cpuLimit: 400,
    });
  }
  for (const tenant of model.tenants.filter((t) => t.settings.tier === "dedicated")) {
    pools.push({
      name: NODE_POOL.tenant(tenant.name),
      capacity: ["on-demand"],
      taint: true,
      consolidation: "WhenEmpty",
      cpuLimit: 200,
    });
  }
  return pools;
}

export function renderKarpenter(model: Model): KubernetesObject[] {
  return nodePools(model).flatMap((pool) => [renderNodePool(model, pool), renderNodeClass(model, pool)]);
}

function renderNodePool(model: Model, pool: PoolSpec): KubernetesObject {
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: clusterMeta(model, nodePoolName(model.platform, pool.name)),
    spec: {
      disruption: {
        consolidateAfter: pool.consolidation === "WhenEmpty" ? "10m" : "1m",
        consolidationPolicy: pool.consolidation,
      },
      limits: { cpu: String(pool.cpuLimit) },
      template: {
        metadata: { labels: { [NODE_POOL.key]: pool.name } },
        spec: {
          expireAfter: "720h",
          nodeClassRef: {
            group: "karpenter.k8s.aws",
            kind: "EC2NodeClass",
            name: nodePoolName(model.platform, pool.name),
          },
          requirements: [
            { key: "karpenter.sh/capacity-type", operator: "In", values: [...pool.capacity] },
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
            { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
          ],
          ...(pool.taint ? { taints: [{ effect: "NoSchedule", key: NODE_POOL.key, value: pool.name }] } : {}),
        },
      },
    },
  };
}

function renderNodeClass(model: Model, pool: PoolSpec): KubernetesObject {
  const discovery = { "karpenter.sh/discovery": model.cluster.name };
  return {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: clusterMeta(model, nodePoolName(model.platform, pool.name)),
    spec: {
      amiSelectorTerms: [{ alias: "al2023@latest" }],
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: "50Gi", volumeType: "gp3" } },
      ],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpPutResponseHopLimit: 1,
        httpTokens: "required",
      },
      role: karpenterNodeRole(model.cluster.name),
      securityGroupSelectorTerms: [{ tags: discovery }],
      subnetSelectorTerms: [{ tags: discovery }],
      tags: { [NODE_POOL.key]: pool.name, [LABEL.platform]: model.platform },
    },
  };
}
