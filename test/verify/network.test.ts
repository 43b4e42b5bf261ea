import { describe, expect, it } from "vitest";
import { atomicPieces, IpSet } from "../../src/lib/ip-set.js";
import { ConnectionSet, resolvePorts } from "../../src/verify/network/ports.js";
import { matches, parseSelector, type Selector } from "../../src/verify/network/selector.js";

const set = (cidr: string) => IpSet.fromCidr(cidr) as IpSet;
const selector = (raw: unknown) => parseSelector(raw) as Selector;

describe("address sets", () => {
  it("subtracts excepts and prints ranges as netpol-analyzer does", () => {
    expect(set("10.0.0.0/8").minus(set("10.1.0.0/16")).toString()).toBe(
      "10.0.0.0-10.0.255.255,10.2.0.0-10.255.255.255",
    );
    expect(set("10.0.0.7/8").toString()).toBe("10.0.0.0-10.255.255.255");
  });

  it("keeps IPv6 apart from IPv4 (netpol-analyzer v1.4.4 reads ::/0 as all of IPv4; verify does not)", () => {
    const v6 = set("::/0").minus(set("fc00::/7"));
    expect(v6.intersect(set("0.0.0.0/0")).isEmpty()).toBe(true);
    expect(v6.intersect(set("2001:db8::/32")).toString()).toBe(
      "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
    );
    expect(v6.covers(set("fd00::/8"))).toBe(false);
    expect(set("::ffff:10.0.0.0/104").toString()).toBe("::ffff:a00:0-::ffff:aff:ffff");
  });

  it("cuts the address space into pieces wholly inside or outside each block", () => {
    const pieces = atomicPieces([set("10.0.0.0/8"), set("10.1.0.0/16")]).filter(
      (p) => p.ranges.v4.length > 0,
    );
    expect(pieces.map(String)).toEqual([
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.0.255.255",
      "10.1.0.0-10.1.255.255",
      "10.2.0.0-10.255.255.255",
      "11.0.0.0-255.255.255.255",
    ]);
  });

  it("rejects what the API server rejects", () => {
    expect(IpSet.fromCidr("10.0.0.0")).toMatch(/not a CIDR/);
    expect(IpSet.fromCidr("10.0.0.0/33")).toMatch(/prefix/);
    expect(IpSet.fromCidr("300.0.0.0/8")).toMatch(/not an IP address/);
  });
});

describe("connection sets", () => {
  it("unions ranges per protocol and round-trips netpol-analyzer's notation", () => {
    const c = ConnectionSet.of("TCP", 80, 80)
      .union(ConnectionSet.of("TCP", 81, 90))
      .union(ConnectionSet.of("UDP", 53, 53));
    expect(c.toString()).toBe("TCP 80-90,UDP 53");
    expect(ConnectionSet.parse("TCP 80-90,UDP 53").toString()).toBe("TCP 80-90,UDP 53");
    expect(ConnectionSet.parse("SCTP 1-65535,TCP 1-65535,UDP 1-65535").toString()).toBe("All Connections");
  });

  it("resolves a named port on the destination only, by name and protocol", () => {
    const ports = [{ name: "dns", port: 53, protocol: "UDP" as const }];
    expect(resolvePorts([{ protocol: "UDP", name: "dns" }], ports).toString()).toBe("UDP 53");
    expect(resolvePorts([{ protocol: "TCP", name: "dns" }], ports).isEmpty()).toBe(true);
    // Towards an address nothing resolves a name: the rule allows nothing there.
    expect(resolvePorts([{ protocol: "TCP", name: "http" }], undefined).isEmpty()).toBe(true);
    expect(resolvePorts(undefined, undefined).isAll()).toBe(true);
  });
});

describe("label selectors", () => {
  it("NotIn and DoesNotExist select objects without the key; an empty selector selects everything", () => {
    expect(
      matches(selector({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }), {}),
    ).toBe(true);
    expect(
      matches(selector({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }), { tier: "x" }),
    ).toBe(false);
    expect(matches(selector({}), { anything: "x" })).toBe(true);
    expect(
      matches(selector({ matchLabels: { a: "1" }, matchExpressions: [{ key: "b", operator: "Exists" }] }), {
        a: "1",
      }),
    ).toBe(false);
  });

  it("refuses operators and values the API server refuses", () => {
    expect(parseSelector({ matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] })).toMatch(
      /unknown selector operator/,
    );
    expect(parseSelector({ matchExpressions: [{ key: "a", operator: "In", values: [] }] })).toMatch(
      /at least one value/,
    );
    expect(parseSelector({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] })).toMatch(
      /takes no values/,
    );
  });
});
