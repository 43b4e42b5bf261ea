import { readManifests } from "../../src/verify/load.js";
import { type ConnectivityLine, connectivityList } from "../../src/verify/network/connectivity.js";
import {
  type Endpoint,
  namespacesOf,
  OPERATED_KINDS,
  workloadEndpoints,
} from "../../src/verify/network/endpoints.js";
import { parsePolicies } from "../../src/verify/network/policies.js";
import { Reachability } from "../../src/verify/network/reachability.js";

/**
 * verify's connectivity list for a directory, restricted to what netpol-analyzer models:
 * workloads and pods only (no operators' objects, CloudNativePG clusters and poolers, RabbitMQ
 * clusters: the cross-check adds their pods as Pod manifests) and IPv4 (netpol-analyzer v1.4.4 reads an IPv6 CIDR as IPv4).
 */
export async function ourConnectivity(dir: string): Promise<ConnectivityLine[]> {
  const objects = await readManifests(dir);
  const endpoints = workloadEndpoints(objects, new Map()).filter(
    (e: Endpoint) => !OPERATED_KINDS.includes(e.kind),
  );
  const { policies, problems } = parsePolicies(objects);
  if (problems.length > 0) throw new Error(`invalid policies: ${problems.map((p) => p.message).join("; ")}`);
  return connectivityList(new Reachability(endpoints, namespacesOf(objects, endpoints), policies), {
    families: ["v4"],
  });
}

/** The differences of two canonical lists, for a failure message that shows both answers. */
export function differences(ours: readonly string[], theirs: readonly string[]): string {
  const a = new Set(ours);
  const b = new Set(theirs);
  return [
    ...ours.filter((l) => !b.has(l)).map((l) => `only tenantctl:        ${l}`),
    ...theirs.filter((l) => !a.has(l)).map((l) => `only netpol-analyzer:  ${l}`),
  ].join("\n");
}
