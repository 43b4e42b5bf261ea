/**
 * Address ranges that egress to "the internet" must exclude: private and shared ranges (the
 * VPC, pods, services, other tenants), link-local (the instance metadata service) and
 * loopback. A connection to any of them needs its own, named allowance.
 */
import { isIPv6 } from "node:net";

export const NON_PUBLIC_V4 = [
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
];
export const NON_PUBLIC_V6 = ["::1/128", "fc00::/7", "fe80::/10"];

export function isV6(cidr: string): boolean {
  return isIPv6(cidr.slice(0, cidr.indexOf("/")));
}

/**
 * `0.0.0.0/0` and `::/0` as ipBlocks, minus non-public ranges and the given extra ranges. A
 * family denied as a whole (a denied `/0`) gets no block at all: an `except` equal to its
 * `cidr` is refused by the API server.
 */
export function publicInternet(denied: readonly string[]): Record<string, unknown>[] {
  const except = (base: readonly string[], v6: boolean) =>
    [...new Set([...base, ...denied.filter((c) => isV6(c) === v6)])].sort();
  const whole = (v6: boolean) => denied.some((c) => isV6(c) === v6 && c.endsWith("/0"));
  return [
    ...(whole(false) ? [] : [{ ipBlock: { cidr: "0.0.0.0/0", except: except(NON_PUBLIC_V4, false) } }]),
    ...(whole(true) ? [] : [{ ipBlock: { cidr: "::/0", except: except(NON_PUBLIC_V6, true) } }]),
  ];
}
