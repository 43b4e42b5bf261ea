/**
 * Sets of allowed connections (protocol × port ranges), as a NetworkPolicy rule's `ports`
 * describe them. A rule port names a protocol (TCP when omitted) and a number, a range
 * (`port`..`endPort`) or a container port name, which only the destination pod can resolve.
 */
import { intersectRanges, mergeRanges, type Range as RangeOf } from "../../lib/ranges.js";

export const PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
type Range = RangeOf<number>;

const MIN_PORT = 1;
const MAX_PORT = 65535;

/** Immutable; `ALL_CONNECTIONS` and `NO_CONNECTIONS` are shared instances. */
export class ConnectionSet {
  private constructor(private readonly ranges: ReadonlyMap<Protocol, readonly Range[]>) {}

  static of(protocol: Protocol, from: number, to: number): ConnectionSet {
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    return lo > hi ? NO_CONNECTIONS : new ConnectionSet(new Map([[protocol, [[lo, hi] as const]]]));
  }

  static allOf(protocol: Protocol): ConnectionSet {
    return ConnectionSet.of(protocol, MIN_PORT, MAX_PORT);
  }

  static empty(): ConnectionSet {
    return new ConnectionSet(new Map());
  }

  static all(): ConnectionSet {
    return new ConnectionSet(new Map(PROTOCOLS.map((p) => [p, [[MIN_PORT, MAX_PORT] as const]])));
  }

  isEmpty(): boolean {
    return this.ranges.size === 0;
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => {
      const r = this.ranges.get(p);
      return r?.length === 1 && r[0]?.[0] === MIN_PORT && r[0]?.[1] === MAX_PORT;
    });
  }

  union(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty() || this === other) return this;
    if (this.isEmpty()) return other;
    const out = new Map(this.ranges);
    for (const [p, r] of other.ranges)
      out.set(
        p,
        mergeRanges([...(out.get(p) ?? []), ...r], (v) => v + 1),
      );
    return new ConnectionSet(out);
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (this.isEmpty() || other.isEmpty()) return NO_CONNECTIONS;
    const out = new Map<Protocol, readonly Range[]>();
    for (const [p, mine] of this.ranges) {
      const theirs = other.ranges.get(p);
      if (theirs === undefined) continue;
      const both = intersectRanges(mine, theirs);
      if (both.length > 0) out.set(p, both);
    }
    return out.size === 0 ? NO_CONNECTIONS : new ConnectionSet(out);
  }

  /** Whether every connection of this set is also in `other`. */
  within(other: ConnectionSet): boolean {
    return this.intersect(other).toString() === this.toString();
  }

  /** Whether a connection to `port` over `protocol` is in the set. */
  allows(protocol: Protocol, port: number): boolean {
    return (this.ranges.get(protocol) ?? []).some(([lo, hi]) => port >= lo && port <= hi);
  }

  /** netpol-analyzer's notation: "All Connections", or "TCP 80,8000-8080,UDP 53" by protocol. */
  toString(): string {
    if (this.isAll()) return "All Connections";
    if (this.isEmpty()) return "No Connections";
    return PROTOCOLS.filter((p) => this.ranges.has(p))
      .map(
        (p) =>
          `${p} ${(this.ranges.get(p) ?? []).map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(",")}`,
      )
      .join(",");
  }

  /** Parses `toString()`'s notation (also netpol-analyzer's). */
  static parse(text: string): ConnectionSet {
    if (text === "All Connections") return ALL_CONNECTIONS;
    if (text === "No Connections") return NO_CONNECTIONS;
    let out = NO_CONNECTIONS;
    let protocol: Protocol | undefined;
    for (const token of text.split(",")) {
      const [first, second] = token.trim().split(" ");
      let range = first;
      if (second !== undefined) {
        protocol = first as Protocol;
        range = second;
      }
      if (protocol === undefined || range === undefined)
        throw new Error(`cannot parse connections "${text}"`);
      const [lo, hi] = range.split("-").map(Number);
      if (lo === undefined || Number.isNaN(lo))
        throw new Error(`cannot parse connections "${text}" (${range})`);
      out = out.union(ConnectionSet.of(protocol, lo, hi ?? lo));
    }
    return out;
  }
}

export const ALL_CONNECTIONS = ConnectionSet.all();
export const NO_CONNECTIONS = ConnectionSet.empty();

/** One entry of a rule's `ports`: a numeric range, or a name the destination pod resolves. */
export type RulePort =
  | { readonly protocol: Protocol; readonly from: number; readonly to: number }
  | { readonly protocol: Protocol; readonly name: string };

/** A container port of an endpoint, by name, for resolving named rule ports. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * What a rule's ports allow towards a destination. No ports = every connection. A named
 * port counts only where the destination has a container port of that name and protocol;
 * towards an IP address nothing resolves it, so it allows nothing there.
 */
export function resolvePorts(
  ports: readonly RulePort[] | undefined,
  destinationPorts: readonly NamedPort[] | undefined,
): ConnectionSet {
  if (ports === undefined) return ALL_CONNECTIONS;
  let out = NO_CONNECTIONS;
  for (const p of ports) {
    if ("name" in p) {
      for (const named of destinationPorts ?? []) {
        if (named.name === p.name && named.protocol === p.protocol) {
          out = out.union(ConnectionSet.of(p.protocol, named.port, named.port));
        }
      }
    } else {
      out = out.union(ConnectionSet.of(p.protocol, p.from, p.to));
    }
  }
  return out;
}

export function hasNamedPorts(ports: readonly RulePort[] | undefined): boolean {
  return ports?.some((p) => "name" in p) ?? false;
}
