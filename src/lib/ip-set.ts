import { isIPv4, isIPv6 } from "node:net";
import { intersectRanges, mergeRanges, type Range as RangeOf } from "./ranges.js";

/**
 * Sets of IP addresses (IPv4 and IPv6 kept apart) as sorted, disjoint, inclusive ranges of
 * bigints: what an `ipBlock` (cidr minus except) selects, and the address classes verify names.
 */
export type Family = "v4" | "v6";
type Range = RangeOf<bigint>;

const BITS: Record<Family, number> = { v4: 32, v6: 128 };
const MAX: Record<Family, bigint> = { v4: (1n << 32n) - 1n, v6: (1n << 128n) - 1n };

export class IpSet {
  private constructor(readonly ranges: Readonly<Record<Family, readonly Range[]>>) {}

  static readonly EMPTY = new IpSet({ v4: [], v6: [] });
  static readonly ALL = new IpSet({ v4: [[0n, MAX.v4]], v6: [[0n, MAX.v6]] });

  /** Parses a CIDR; returns a message when it is not one. Host bits are ignored, as the API does. */
  static fromCidr(cidr: string): IpSet | string {
    const parsed = parseCidr(cidr);
    if (typeof parsed === "string") return parsed;
    return new IpSet({ v4: [], v6: [], [parsed.family]: [[parsed.start, parsed.end]] });
  }

  isEmpty(): boolean {
    return this.ranges.v4.length === 0 && this.ranges.v6.length === 0;
  }

  union(other: IpSet): IpSet {
    return this.combine(other, (a, b) => mergeRanges([...a, ...b], (v) => v + 1n));
  }

  intersect(other: IpSet): IpSet {
    return this.combine(other, intersectRanges);
  }

  minus(other: IpSet): IpSet {
    return this.combine(other, (a, b, family) => intersectRanges(a, complement(b, MAX[family])));
  }

  private combine(
    other: IpSet,
    op: (a: readonly Range[], b: readonly Range[], family: Family) => Range[],
  ): IpSet {
    return new IpSet({
      v4: op(this.ranges.v4, other.ranges.v4, "v4"),
      v6: op(this.ranges.v6, other.ranges.v6, "v6"),
    });
  }

  static ofRange(family: Family, range: Range): IpSet {
    return new IpSet({ v4: [], v6: [], [family]: [range] });
  }

  /** Whether this set contains every address of `other`. */
  covers(other: IpSet): boolean {
    return other.minus(this).isEmpty();
  }

  /** "10.0.0.0-10.0.255.255,11.0.0.0-11.0.0.255" (netpol-analyzer's notation). */
  toString(): string {
    return [
      ...this.ranges.v4.map(([a, b]) => `${formatV4(a)}-${formatV4(b)}`),
      ...this.ranges.v6.map(([a, b]) => `${formatV6(a)}-${formatV6(b)}`),
    ].join(",");
  }

  /** Parses one "a-b" range of `toString()`. */
  static fromRange(text: string): IpSet {
    const [a, b] = text.split("-");
    if (a === undefined || b === undefined) throw new Error(`not an address range: "${text}"`);
    const family: Family = isIPv4(a) ? "v4" : "v6";
    const parse = family === "v4" ? v4ToBigint : v6ToBigint;
    return new IpSet({ v4: [], v6: [], [family]: [[parse(a), parse(b)]] });
  }
}

/** Whether a CIDR's address has bits set past its prefix (`1.2.3.4/0`); false when it is no CIDR. */
export function cidrHasHostBits(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return typeof parsed !== "string" && parsed.value !== parsed.start;
}

function parseCidr(cidr: string): { family: Family; value: bigint; start: bigint; end: bigint } | string {
  const slash = cidr.indexOf("/");
  if (slash < 0) return `"${cidr}" is not a CIDR (address/prefix)`;
  const address = cidr.slice(0, slash);
  const prefix = Number(cidr.slice(slash + 1));
  const family: Family | undefined = isIPv4(address) ? "v4" : isIPv6(address) ? "v6" : undefined;
  if (family === undefined) return `"${address}" in "${cidr}" is not an IP address`;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > BITS[family]) {
    return `the prefix of "${cidr}" must be 0..${BITS[family]}`;
  }
  const value = family === "v4" ? v4ToBigint(address) : v6ToBigint(address);
  const hostBits = BigInt(BITS[family] - prefix);
  const start = (value >> hostBits) << hostBits;
  return { family, value, start, end: start + (1n << hostBits) - 1n };
}

/**
 * Splits the address space at every boundary of the given sets: each returned set lies either
 * wholly inside or wholly outside each input, so one address stands for the whole piece.
 */
export function atomicPieces(sets: readonly IpSet[]): IpSet[] {
  const out: IpSet[] = [];
  for (const family of ["v4", "v6"] as const) {
    const cuts = new Set<bigint>([0n, MAX[family] + 1n]);
    for (const set of sets) {
      for (const [a, b] of set.ranges[family]) {
        cuts.add(a);
        cuts.add(b + 1n);
      }
    }
    const sorted = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) {
      const range: Range = [sorted[i] as bigint, (sorted[i + 1] as bigint) - 1n];
      out.push(IpSet.ofRange(family, range));
    }
  }
  return out;
}

function complement(ranges: readonly Range[], max: bigint): Range[] {
  const out: Range[] = [];
  let next = 0n;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1n]);
    next = hi + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

function v4ToBigint(address: string): bigint {
  return address.split(".").reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}

function v6ToBigint(address: string): bigint {
  let text = address;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const v4 = v4ToBigint(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill("0"), ...restGroups];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(Number.parseInt(g, 16)), 0n);
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

function formatV6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((value >> s) & 0xffffn).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}
