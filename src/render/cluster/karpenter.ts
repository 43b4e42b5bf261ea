/**
 * Karpenter: a NodePool and an EC2NodeClass for each pool of the model's plan
 * (src/model/node-pools.ts). Instance metadata needs IMDSv2 with a hop limit of 1, so that
 * pods cannot reach the node's role.
 */
import {
  KARPENTER_DISCOVERY_TAG,
  karpenterNodeRole,
  LABEL,
  NODE_POOL,
  nodePoolName,
} from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import type { NodePoolPlan } from "../../model/node-pools.js";
import { clusterMeta } from "./meta.js";

export function renderKarpenter(model: Model): KubernetesObject[] {
  return model.nodePools.flatMap((pool) => [renderNodePool(model, pool), renderNodeClass(model, pool)]);
}

function renderNodePool(model: Model, pool: NodePoolPlan): KubernetesObject {
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
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: [...pool.categories] },
            { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
          ],
          ...(pool.taint ? { taints: [{ effect: "NoSchedule", key: NODE_POOL.key, value: pool.name }] } : {}),
        },
      },
    },
  };
}

function renderNodeClass(model: Model, pool: NodePoolPlan): KubernetesObject {
  const discovery = { [KARPENTER_DISCOVERY_TAG]: model.cluster.name };
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
