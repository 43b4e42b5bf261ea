import { isIP } from "node:net";
import { z } from "zod";
import { cidrHasHostBits, IpSet } from "../lib/ip-set.js";
import { QUANTITY_PATTERN } from "./quantity.js";

/**
 * String formats of the spec. Each carries, as its error text, the description of what is
 * allowed; diagnostics/format words the sentence around it.
 */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const DnsLabel = z
  .string()
  .max(63, { error: "a DNS label of at most 63 characters" })
  .regex(DNS_LABEL, {
    error:
      "a DNS label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  });

export const DnsName = z.string().regex(DNS_NAME, {
  error: "a DNS name such as n8n.example.com: lowercase labels separated by dots",
});

export const Quantity = z.string().regex(QUANTITY_PATTERN, {
  error: 'a Kubernetes quantity such as "500m", "2", "512Mi" or "10Gi"',
});

export const Cidr = z
  .string()
  .refine(isCidr, {
    error: 'a CIDR block such as "10.50.0.0/16" or "fd00::/8" (no zone index such as %eth0)',
  })
  // 1.2.3.4/0 means 0.0.0.0/0 to AWS but reads as one host to a person: refuse rather than guess.
  .refine((text) => !isCidr(text) || !cidrHasHostBits(text), {
    error: "a CIDR block whose address has no bits set past the prefix length (as in 10.50.0.0/16)",
  });

export const LabelKey = z.string().regex(LABEL_KEY, {
  error:
    "a Kubernetes label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.'",
});

export const LabelValue = z
  .string()
  .max(63, { error: "a Kubernetes label value of at most 63 characters" })
  .regex(LABEL_VALUE, { error: "a Kubernetes label value: letters, digits, '-', '_' or '.'" });

export const RepoUrl = z.string().regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, {
  error: "a Git URL starting with https://, ssh:// or git@",
});

export const AwsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, {
  error: "an AWS region such as eu-central-1",
});

function isCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  // Node accepts IPv6 zone indexes (fe80::1%eth0); Kubernetes and AWS do not.
  if (address.includes("%")) return false;
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Whether CIDR `outer` contains every address of CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = IpSet.fromCidr(outer);
  const b = IpSet.fromCidr(inner);
  return typeof a !== "string" && typeof b !== "string" && a.covers(b);
}
