import type { Endpoint } from "./endpoints.js";
import { atomicPieces, type Family, IpSet } from "../../lib/ip-set.js";
import { ConnectionSet } from "./ports.js";
import type { Reachability } from "./reachability.js";

/** One allowed connection: endpoint ids or address ranges, and what is allowed. */
export interface ConnectivityLine {
  readonly src: string;
  readonly dst: string;
  readonly conn: string;
}

/**
 * The full connectivity list, netpol-analyzer's granularity: pod to pod (a pod's traffic to
 * itself left out), pod to address range and address range to pod, the address space cut
 * at every ipBlock boundary. Costs O(endpoints × candidates + endpoints × pieces): meant for
 * `--connectivity` and the cross-check, not for every verify.
 */
export function connectivityList(
  r: Reachability,
  options: { families?: readonly Family[]; endpoints?: (e: Endpoint) => boolean } = {},
): ConnectivityLine[] {
  const included = options.endpoints ?? (() => true);
  const families = options.families ?? ["v4", "v6"];
  const out: ConnectivityLine[] = [];
  const pieces = atomicPieces(r.addressSets()).filter((p) => families.some((f) => p.ranges[f].length > 0));
  for (const source of r.endpoints) {
    if (!included(source)) continue;
    for (const c of r.connectionsFrom(source)) {
      if (included(c.destination))
        out.push({ src: source.id, dst: c.destination.id, conn: c.connections.toString() });
    }
    for (const piece of pieces) {
      const egress = r.sideForAddresses(source, "egress", piece);
      if (!egress.connections.isEmpty())
        out.push({ src: source.id, dst: piece.toString(), conn: egress.connections.toString() });
      const ingress = r.sideForAddresses(source, "ingress", piece);
      if (!ingress.connections.isEmpty())
        out.push({ src: piece.toString(), dst: source.id, conn: ingress.connections.toString() });
    }
  }
  return out.sort((a, b) => (a.src === b.src ? (a.dst < b.dst ? -1 : 1) : a.src < b.src ? -1 : 1));
}

/**
 * A canonical form for comparing lists: address ranges merged where neighbours have the
 * same connections, so two tools that cut the address space differently compare equal
 * exactly when they allow the same traffic.
 */
export function canonicalConnectivity(lines: readonly ConnectivityLine[]): string[] {
  const isAddress = (s: string) => /^[0-9a-f:.]+-[0-9a-f:.]+(,|$)/i.test(s);
  const pods: string[] = [];
  const byEndpoint = new Map<string, Map<string, IpSet>>();
  for (const line of lines) {
    const srcIp = isAddress(line.src);
    const dstIp = isAddress(line.dst);
    const conn = ConnectionSet.parse(line.conn).toString();
    if (!srcIp && !dstIp) {
      pods.push(`${line.src} => ${line.dst} : ${conn}`);
      continue;
    }
    const key = srcIp ? `(addresses) => ${line.dst}` : `${line.src} => (addresses)`;
    const ranges = (srcIp ? line.src : line.dst).split(",").map(IpSet.fromRange);
    const byConn = byEndpoint.get(key) ?? new Map<string, IpSet>();
    byConn.set(
      conn,
      ranges.reduce((acc, x) => acc.union(x), byConn.get(conn) ?? IpSet.EMPTY),
    );
    byEndpoint.set(key, byConn);
  }
  const addresses: string[] = [];
  for (const [key, byConn] of byEndpoint) {
    for (const [conn, set] of byConn)
      addresses.push(`${key.replace("(addresses)", set.toString())} : ${conn}`);
  }
  return [...pods, ...addresses].sort();
}
