/**
 * The nodes a platform would run: each pool's pods packed onto the instance types the pool
 * allows, priced for its capacity type (spot first for the general pool: the spot discount
 * assumption applies; on-demand for the database and dedicated pools), each with its root
 * volume.
 */
import { failure } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/resolve.js";
import { daemonSetOverhead, demand, type Load, type PoolDemand } from "./demand.js";
import { INSTANCE_TYPES } from "./instance-types.js";
import { type Offer, type PackedNode, pack, unplaceable } from "./packing.js";
import { HOURS_PER_MONTH, type PriceTable } from "./prices.js";
import { priceOf } from "./price-lookup.js";

/** The root volume every node gets (the EC2NodeClasses' 50 GiB gp3). */
export const NODE_VOLUME_GIB = 50;

export interface PricedNode extends PackedNode {
  readonly pool: string;
  readonly capacity: "spot" | "on-demand";
  readonly dedicatedTo: string | undefined;
  /** USD per month: the instance and its root volume. */
  readonly monthly: number;
}

export function offersFor(prices: PriceTable, capacity: "spot" | "on-demand"): Offer[] {
  return INSTANCE_TYPES.map((type) => {
    const onDemand = priceOf(prices, `ec2:${type.name}`);
    const discount = capacity === "spot" ? priceOf(prices, `spot-discount:${type.family}`) : 0;
    return { type, hourly: onDemand * (1 - discount) };
  });
}

export function runNodes(model: Model, prices: PriceTable, load: Load): PricedNode[] {
  const overhead = daemonSetOverhead(model);
  const volume = NODE_VOLUME_GIB * priceOf(prices, "ebs:gp3-gb-month");
  const out: PricedNode[] = [];
  for (const pool of demand(model, load)) {
    const capacity = pool.pool.capacity.includes("spot") ? "spot" : "on-demand";
    const offers = offersFor(prices, capacity);
    assertPlaceable(pool, offers, overhead);
    for (const node of pack(pool.pods, offers, overhead)) {
      out.push({
        ...node,
        pool: pool.pool.name,
        capacity,
        dedicatedTo: pool.dedicatedTo,
        monthly: node.offer.hourly * HOURS_PER_MONTH + volume,
      });
    }
  }
  return out;
}

function assertPlaceable(
  pool: PoolDemand,
  offers: readonly Offer[],
  overhead: ReturnType<typeof daemonSetOverhead>,
) {
  const lost = unplaceable(pool.pods, offers, overhead);
  if (lost.length === 0) return;
  const pod = lost[0];
  throw failure(
    "cost/pod-too-large",
    `${pod?.what ?? "a pod"} asks for ${((pod?.cpu ?? 0) / 1000).toFixed(2)} CPU and ${((pod?.memory ?? 0) / 2 ** 30).toFixed(1)} GiB, more than any instance type of pool ${pool.pool.name} gives (the largest priced is a 4xlarge)`,
    "lower the requests, or add the larger instance type's price with --prices",
  );
}
