import type { ObjectRef } from "../input.js";
import { refOf } from "../input.js";
import type { Endpoint } from "./endpoints.js";
import type { Allowance, Connection, SideVerdict } from "./reachability.js";

/**
 * The policy path of a connection, in words: for each side, the policy rules that admit
 * it (file, rule and peer), or that the pod is selected by no policy in that direction.
 */
export function explainConnection(c: Connection): string[] {
  return [...explainSide(c.source, "egress", c.egress), ...explainSide(c.destination, "ingress", c.ingress)];
}

export function explainSide(
  endpoint: Endpoint,
  direction: "ingress" | "egress",
  side: SideVerdict,
): string[] {
  if (!side.isolated) {
    return [
      `${direction} of ${endpoint.id}: selected by no NetworkPolicy with policyType ${capital(direction)}, so it is open`,
    ];
  }
  return side.via.map((a) => `${direction} of ${endpoint.id}: ${describeAllowance(a)}`);
}

/** The path line of a side no policy governs. */
export function openSide(endpoint: Endpoint, direction: "ingress" | "egress"): string {
  return `${direction} of ${endpoint.id}: selected by no NetworkPolicy with policyType ${capital(direction)}, so it is open`;
}

export function describeAllowance(a: Allowance): string {
  if (a.policy === undefined) return `allows ${a.connections.toString()}`;
  const peers = a.direction === "ingress" ? "from" : "to";
  const where =
    a.rule === undefined
      ? ""
      : a.peer === undefined || a.peer < 0
        ? ` spec.${a.direction}[${a.rule}] (no '${peers}': every peer)`
        : ` spec.${a.direction}[${a.rule}].${peers}[${a.peer}]`;
  return `NetworkPolicy ${a.policy.namespace}/${a.policy.name}${where} in ${a.policy.source.file} allows ${a.connections.toString()}`;
}

/** The manifests of a connection: the workloads and every policy on its path. */
export function objectsOfConnection(c: Connection): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const e of [c.source, c.destination]) out.push(endpointRef(e));
  for (const a of [...c.egress.via, ...c.ingress.via])
    if (a.policy !== undefined) out.push(refOf(a.policy.source));
  return dedupeRefs(out);
}

export function endpointRef(e: Endpoint): ObjectRef {
  return e.source === undefined
    ? { kind: `${e.kind} (cluster component)`, namespace: e.namespace, name: e.name }
    : refOf(e.source);
}

export function dedupeRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.kind}|${r.namespace ?? ""}|${r.name}|${r.file ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
