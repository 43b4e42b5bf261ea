import { describe, expect, it } from "vitest";
import { dnsLabel, MAX_LABEL_LENGTH, tenantNamespace } from "../../src/model/names.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("names", () => {
  it("keeps short names readable", () => {
    expect(tenantNamespace("globex")).toBe("tenant-globex");
    expect(tenantNamespace("a".repeat(56))).toHaveLength(MAX_LABEL_LENGTH);
  });
  it("truncates long names to 63 characters with a hash suffix", () => {
    const long = "a".repeat(60);
    const name = dnsLabel("tenant", long);
    expect(name).toHaveLength(MAX_LABEL_LENGTH);
    expect(name).toMatch(DNS_LABEL);
    expect(name).toMatch(/-[0-9a-f]{8}$/);
  });
  it("gives two long names that share a prefix different results", () => {
    const a = dnsLabel("tenant", `${"x".repeat(60)}-one`);
    const b = dnsLabel("tenant", `${"x".repeat(60)}-two`);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
  });
  it("never ends a truncated prefix with a dash", () => {
    const name = dnsLabel("tenant", `${"b".repeat(53)}-${"c".repeat(20)}`);
    expect(name).toMatch(DNS_LABEL);
    expect(name).not.toMatch(/--/);
  });
});
