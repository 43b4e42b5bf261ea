/**
 * What Karpenter would launch for a pool: the pods packed onto the cheapest nodes the pool
 * allows. For each instance type, first-fit decreasing fills nodes of that type; then every
 * node is shrunk to the cheapest type that still holds its pods (Karpenter's consolidation
 * does the same); the cheapest of these plans wins. A node never holds more than its
 * allocatable CPU and memory (less the DaemonSets) or its pods-per-node limit.
 */
import type { Pod } from "./demand.js";
import type { InstanceType } from "./instance-types.js";

export interface Offer {
  readonly type: InstanceType;
  /** USD per hour, for this pool's capacity type (spot already discounted). */
  readonly hourly: number;
}

export interface PackedNode {
  readonly offer: Offer;
  readonly pods: readonly Pod[];
}

export interface Overhead {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

interface Room {
  cpu: number;
  memory: number;
  pods: number;
}

const roomOf = (t: InstanceType, o: Overhead): Room => ({
  cpu: t.allocatableCpu - o.cpu,
  memory: t.allocatableMemory - o.memory,
  pods: t.maxPods - o.pods,
});

const fits = (room: Room, pod: Pod) => pod.cpu <= room.cpu && pod.memory <= room.memory && room.pods >= 1;

/** The pods no offered type can hold: the caller reports them (a pod larger than the pool's biggest node). */
export function unplaceable(pods: readonly Pod[], offers: readonly Offer[], overhead: Overhead): Pod[] {
  return pods.filter((pod) => !offers.some((o) => fits(roomOf(o.type, overhead), pod)));
}

export function pack(pods: readonly Pod[], offers: readonly Offer[], overhead: Overhead): PackedNode[] {
  if (pods.length === 0) return [];
  const byCost = [...offers].sort((a, b) => a.hourly - b.hourly);
  // Largest first by the pod's bigger share of a typical node (CPU or memory).
  const size = (p: Pod) => p.cpu / 4000 + p.memory / 16e9;
  const sorted = [...pods].sort((a, b) => size(b) - size(a) || b.cpu - a.cpu || b.memory - a.memory);
  let best: PackedNode[] | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const offer of offers) {
    const plan = firstFit(sorted, offer, overhead);
    if (plan === undefined) continue;
    const shrunk = plan.map((pods) => ({ offer: cheapestHolding(pods, byCost, overhead) ?? offer, pods }));
    const cost = shrunk.reduce((n, node) => n + node.offer.hourly, 0);
    if (cost < bestCost) {
      best = shrunk;
      bestCost = cost;
    }
  }
  if (best === undefined) throw new Error("no instance type holds these pods (call unplaceable() first)");
  return best;
}

/**
 * First-fit decreasing onto nodes of one type; undefined when a pod fits none of them. Pods of
 * one shape (a fleet's tenants are mostly alike) are placed a node's worth at a time, so the
 * work grows with shapes × nodes, not pods × nodes.
 */
function firstFit(sorted: readonly Pod[], offer: Offer, overhead: Overhead): Pod[][] | undefined {
  const empty = roomOf(offer.type, overhead);
  if (!sorted.every((pod) => fits(empty, pod))) return undefined;
  const rooms: Room[] = [];
  const nodes: Pod[][] = [];
  // Nodes that are full for the smallest pod are skipped from then on.
  let firstOpen = 0;
  const smallest = sorted[sorted.length - 1] as Pod;
  for (let start = 0; start < sorted.length; ) {
    const shape = sorted[start] as Pod;
    let end = start + 1;
    while (end < sorted.length && sameShape(sorted[end] as Pod, shape)) end += 1;
    let next = start;
    const place = (room: Room, node: Pod[]) => {
      const k = Math.min(end - next, howMany(room, shape));
      for (let j = 0; j < k; j++) node.push(sorted[next + j] as Pod);
      room.cpu -= k * shape.cpu;
      room.memory -= k * shape.memory;
      room.pods -= k;
      next += k;
    };
    for (let i = firstOpen; i < rooms.length && next < end; i++) place(rooms[i] as Room, nodes[i] as Pod[]);
    while (next < end) {
      const room = { ...empty };
      const node: Pod[] = [];
      place(room, node);
      rooms.push(room);
      nodes.push(node);
    }
    while (firstOpen < rooms.length && !fits(rooms[firstOpen] as Room, smallest)) firstOpen += 1;
    start = end;
  }
  return nodes;
}

const sameShape = (a: Pod, b: Pod) => a.cpu === b.cpu && a.memory === b.memory;

function howMany(room: Room, pod: Pod): number {
  const byCpu = pod.cpu === 0 ? Number.POSITIVE_INFINITY : Math.floor(room.cpu / pod.cpu);
  const byMemory = pod.memory === 0 ? Number.POSITIVE_INFINITY : Math.floor(room.memory / pod.memory);
  return Math.max(0, Math.min(byCpu, byMemory, room.pods));
}

function cheapestHolding(
  pods: readonly Pod[],
  byCost: readonly Offer[],
  overhead: Overhead,
): Offer | undefined {
  const cpu = pods.reduce((n, p) => n + p.cpu, 0);
  const memory = pods.reduce((n, p) => n + p.memory, 0);
  return byCost.find((o) => {
    const room = roomOf(o.type, overhead);
    return cpu <= room.cpu && memory <= room.memory && pods.length <= room.pods;
  });
}
