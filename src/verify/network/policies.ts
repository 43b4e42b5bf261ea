/**
 * NetworkPolicies in the form the analysis evaluates. Kubernetes' defaults are applied
 * here, once: policyTypes default to Ingress (+ Egress when egress rules exist); a rule
 * without `from`/`to` admits every peer, without `ports` every port; a peer with only a
 * podSelector means the policy's namespace, with only a namespaceSelector every pod there.
 */
import type { SourcedObject } from "../input.js";
import { IpSet } from "../../lib/ip-set.js";
import { PROTOCOLS, type Protocol, type RulePort } from "./ports.js";
import { parseSelector, type Selector } from "./selector.js";

export type Direction = "ingress" | "egress";

export type Peer =
  | {
      readonly kind: "pods";
      readonly index: number;
      /** undefined: the policy's own namespace. */
      readonly namespaceSelector: Selector | undefined;
      readonly podSelector: Selector;
    }
  | { readonly kind: "addresses"; readonly index: number; readonly addresses: IpSet; readonly text: string };

export interface Rule {
  readonly index: number;
  /** undefined: every source/destination, pods and addresses alike. */
  readonly peers: readonly Peer[] | undefined;
  /** undefined: every port and protocol. */
  readonly ports: readonly RulePort[] | undefined;
}

export interface Policy {
  readonly source: SourcedObject;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: Selector;
  /** undefined: the policy does not govern that direction. */
  readonly ingress: readonly Rule[] | undefined;
  readonly egress: readonly Rule[] | undefined;
}

export interface PolicyProblem {
  readonly source: SourcedObject;
  readonly path: string;
  readonly message: string;
}

type Obj = Record<string, unknown>;

export function parsePolicies(objects: readonly SourcedObject[]): {
  policies: Policy[];
  problems: PolicyProblem[];
} {
  const policies: Policy[] = [];
  const problems: PolicyProblem[] = [];
  for (const source of objects) {
    if (source.object.kind !== "NetworkPolicy" || !source.object.apiVersion.startsWith("networking.k8s.io/"))
      continue;
    const found: PolicyProblem[] = [];
    const problem = (path: string, message: string) => found.push({ source, path, message });
    const policy = parsePolicy(source, problem);
    if (found.length === 0) policies.push(policy);
    problems.push(...found);
  }
  return { policies, problems };
}

function parsePolicy(source: SourcedObject, problem: (path: string, message: string) => void): Policy {
  const spec = (source.object.spec ?? {}) as Obj;
  const selector = (raw: unknown, path: string): Selector => {
    const parsed = parseSelector(raw);
    if (typeof parsed === "string") {
      problem(path, parsed);
      return parseSelector({}) as Selector;
    }
    return parsed;
  };
  // The API server's defaulting: an absent or empty policyTypes becomes Ingress, plus Egress
  // only when the egress list is non-empty (`egress: []` alone does not isolate egress).
  const types =
    Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0
      ? (spec.policyTypes as string[])
      : ["Ingress", ...(Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Egress"] : [])];
  for (const [i, t] of types.entries()) {
    if (t !== "Ingress" && t !== "Egress")
      problem(`spec.policyTypes[${i}]`, `policy type "${t}" must be Ingress or Egress`);
  }
  const rules = (direction: Direction): Rule[] | undefined => {
    if (!types.includes(direction === "ingress" ? "Ingress" : "Egress")) return undefined;
    const peerKey = direction === "ingress" ? "from" : "to";
    return ((spec[direction] ?? []) as Obj[]).map((rule, index) => {
      const path = `spec.${direction}[${index}]`;
      const rawPeers = rule[peerKey] as Obj[] | undefined;
      const rawPorts = rule.ports as Obj[] | undefined;
      return {
        index,
        peers:
          rawPeers === undefined || rawPeers.length === 0
            ? undefined
            : rawPeers.map((peer, p) => parsePeer(peer, p, `${path}.${peerKey}[${p}]`, selector, problem)),
        ports:
          rawPorts === undefined || rawPorts.length === 0
            ? undefined
            : rawPorts.map((port, p) => parsePort(port, `${path}.ports[${p}]`, problem)),
      };
    });
  };
  return {
    source,
    namespace: source.object.metadata.namespace ?? "default",
    name: source.object.metadata.name,
    podSelector: selector(spec.podSelector, "spec.podSelector"),
    ingress: rules("ingress"),
    egress: rules("egress"),
  };
}

function parsePeer(
  peer: Obj,
  index: number,
  path: string,
  selector: (raw: unknown, path: string) => Selector,
  problem: (path: string, message: string) => void,
): Peer {
  const block = peer.ipBlock as { cidr?: unknown; except?: unknown } | undefined;
  if (block !== undefined) {
    if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) {
      problem(path, "a peer with ipBlock cannot also have podSelector or namespaceSelector");
    }
    const cidr = IpSet.fromCidr(String(block.cidr));
    if (typeof cidr === "string") {
      problem(`${path}.ipBlock.cidr`, cidr);
      return { kind: "addresses", index, addresses: IpSet.EMPTY, text: String(block.cidr) };
    }
    let addresses = cidr;
    const except = Array.isArray(block.except) ? (block.except as unknown[]).map(String) : [];
    for (const [i, text] of except.entries()) {
      const hole = IpSet.fromCidr(text);
      if (typeof hole === "string") problem(`${path}.ipBlock.except[${i}]`, hole);
      else if (!cidr.covers(hole) || hole.covers(cidr))
        problem(
          `${path}.ipBlock.except[${i}]`,
          `"${text}" is not a strict subset of "${String(block.cidr)}" (the API server refuses an except equal to or outside its cidr)`,
        );
      else addresses = addresses.minus(hole);
    }
    const text =
      except.length === 0 ? String(block.cidr) : `${String(block.cidr)} except ${except.join(", ")}`;
    return { kind: "addresses", index, addresses, text };
  }
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) {
    problem(path, "a peer needs a podSelector, a namespaceSelector or an ipBlock");
  }
  return {
    kind: "pods",
    index,
    namespaceSelector:
      peer.namespaceSelector === undefined
        ? undefined
        : selector(peer.namespaceSelector, `${path}.namespaceSelector`),
    podSelector: selector(peer.podSelector, `${path}.podSelector`),
  };
}

function parsePort(port: Obj, path: string, problem: (path: string, message: string) => void): RulePort {
  const protocol = (port.protocol ?? "TCP") as Protocol;
  if (!PROTOCOLS.includes(protocol))
    problem(`${path}.protocol`, `protocol "${String(port.protocol)}" must be TCP, UDP or SCTP`);
  if (port.port === undefined) {
    if (port.endPort !== undefined) problem(`${path}.endPort`, "endPort needs a numeric port");
    return { protocol, from: 1, to: 65535 };
  }
  if (typeof port.port === "string" && !/^\d+$/.test(port.port)) {
    if (port.endPort !== undefined) problem(`${path}.endPort`, "endPort cannot be used with a named port");
    return { protocol, name: port.port };
  }
  const from = Number(port.port);
  const to = port.endPort === undefined ? from : Number(port.endPort);
  if (from < 1 || from > 65535) problem(`${path}.port`, `port ${from} must be 1..65535`);
  if (to < from || to > 65535) problem(`${path}.endPort`, `endPort ${to} must be ${from}..65535`);
  return { protocol, from, to };
}
