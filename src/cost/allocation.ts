/**
 * Node costs to tenants, as OpenCost allocates them: a node's price is split into a CPU part
 * and a memory part (by OpenCost's default ratio of a vCPU-hour to a GiB-hour), and each pod
 * pays its requests at its node's price per millicore and per byte. A shared server's pod is
 * paid by its tenants evenly; the add-ons' pods by the platform. What no pod requested is idle:
 * on a dedicated tenant's pool the tenant pays it, on shared pools it is platform idle.
 */
import type { PricedNode } from "./nodes.js";

/** OpenCost's default prices, used only for their ratio: USD per vCPU-hour and per GiB-hour. */
export const CPU_RAM_WEIGHTS = { vcpuHour: 0.031611, gibHour: 0.004237 } as const;

export interface NodeAllocation {
  readonly tenants: Map<string, { compute: number; idle: number }>;
  readonly addonPods: number;
  readonly idle: number;
}

export function allocateNodes(nodes: readonly PricedNode[]): NodeAllocation {
  const tenants = new Map<string, { compute: number; idle: number }>();
  const entry = (name: string) => {
    let e = tenants.get(name);
    if (e === undefined) tenants.set(name, (e = { compute: 0, idle: 0 }));
    return e;
  };
  let addonPods = 0;
  let idle = 0;
  for (const node of nodes) {
    const { vcpu, memoryBytes } = node.offer.type;
    const gib = memoryBytes / 2 ** 30;
    const cpuWeight = vcpu * CPU_RAM_WEIGHTS.vcpuHour;
    const ramWeight = gib * CPU_RAM_WEIGHTS.gibHour;
    const perMillicore = (node.monthly * cpuWeight) / (cpuWeight + ramWeight) / (vcpu * 1000);
    const perByte = (node.monthly * ramWeight) / (cpuWeight + ramWeight) / memoryBytes;
    let used = 0;
    for (const pod of node.pods) {
      const cost = pod.cpu * perMillicore + pod.memory * perByte;
      used += cost;
      if (pod.payers.length === 0) addonPods += cost;
      for (const payer of pod.payers) entry(payer).compute += cost / pod.payers.length;
    }
    const unused = Math.max(0, node.monthly - used);
    if (node.dedicatedTo !== undefined) entry(node.dedicatedTo).idle += unused;
    else idle += unused;
  }
  return { tenants, addonPods, idle };
}
