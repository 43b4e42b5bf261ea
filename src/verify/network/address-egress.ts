import type { VerifyContext } from "../context.js";
import type { Endpoint } from "./endpoints.js";
import { IpSet } from "../../lib/ip-set.js";
import type { Policy, Rule } from "./policies.js";
import { type ConnectionSet, resolvePorts } from "./ports.js";

/** Where an endpoint's egress reaches into a set of addresses: open (no egress policy), or rule by rule. */
export type AddressEgress =
  | { readonly open: true }
  | {
      readonly open: false;
      readonly hits: readonly {
        readonly policy: Policy;
        readonly rule: Rule;
        readonly ports: ConnectionSet;
        readonly reached: readonly { readonly text: string; readonly hit: IpSet }[];
      }[];
    };

export function egressInto(ctx: VerifyContext, source: Endpoint, forbidden: IpSet): AddressEgress {
  const policies = ctx.reachability.policiesOf(source, "egress");
  if (policies.length === 0) return { open: true };
  const hits = [];
  for (const policy of policies) {
    for (const rule of policy.egress ?? []) {
      const ports = resolvePorts(rule.ports, undefined);
      if (ports.isEmpty()) continue;
      const reached = (
        rule.peers ?? [{ kind: "addresses" as const, addresses: IpSet.ALL, text: "every address" }]
      )
        .filter((p) => p.kind === "addresses")
        .map((p) => ({ text: p.text, hit: p.addresses.intersect(forbidden) }))
        .filter((p) => !p.hit.isEmpty());
      if (reached.length > 0) hits.push({ policy, rule, ports, reached });
    }
  }
  return { open: false, hits };
}

/** An IpSet of CIDRs (invalid ones are left out: the spec and the policy parser report them). */
export function ipSetOf(cidrs: readonly string[]): IpSet {
  let out = IpSet.EMPTY;
  for (const cidr of cidrs) {
    const set = IpSet.fromCidr(cidr);
    if (typeof set !== "string") out = out.union(set);
  }
  return out;
}
