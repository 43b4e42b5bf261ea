import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateSpecText } from "../../src/model/load-platform.js";

const text = readFileSync(new URL("../../examples/clusters.yaml", import.meta.url), "utf8");

describe("the rules of several clusters", () => {
  const errors = (t: string) =>
    (validateSpecText(t, "platform.yaml").diagnostics ?? [])
      .filter((d) => d.severity === "error")
      .map((d) => ({ code: d.code, line: d.location?.line, hint: d.hint, message: d.message }));
  const lineOf = (t: string, needle: string) => t.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("names an unknown cluster at its line, with a did-you-mean", () => {
    const bad = text.replace("    clusters: [prod]", "    clusters: [prd]");
    expect(errors(bad)).toEqual([
      {
        code: "spec/unknown-cluster",
        line: lineOf(bad, "clusters: [prd]"),
        hint: 'did you mean "prod"?',
        message: 'tenants[1].clusters: "prd" is not a cluster of this platform; expected "staging" | "prod"',
      },
    ]);
  });

  it("refuses two clusters of one name, and a production cluster that syncs at any time", () => {
    const same = text.replace(
      "    production: true                           # manual sync",
      "    production: true\n    name: acme-staging",
    );
    expect(errors(same).map((e) => e.code)).toContain("spec/cluster-name-collision");
    const auto = text.replace(
      '    syncWindows:\n      - { kind: allow, schedule: "0 9 * * 1-4", duration: 3h, timeZone: Europe/Berlin }\n',
      "    sync: automatic\n",
    );
    expect(errors(auto)).toEqual([
      expect.objectContaining({ code: "spec/production-auto-sync", line: lineOf(auto, "sync: automatic") }),
    ]);
    // automatic inside an allow window is what windows are for
    const windowed = text.replace(
      "    production: true                           # manual sync",
      "    production: true\n    sync: automatic",
    );
    expect(errors(windowed)).toEqual([]);
  });

  it("points a problem of one cluster's values at the override that causes it, with the tenant's index as written", () => {
    // GIVEN staging's quota for portal-globex far below what its pods request
    const bad = text.replace(
      '        quota: { cpu: "2", memory: 4Gi }',
      '        quota: { cpu: "100m", memory: 4Gi }',
    );
    const found = errors(bad);
    expect(found.length).toBeGreaterThan(0);
    // THEN the error stands on the override's line and names tenants[2] (its index in the file), once
    expect(
      found.some(
        (e) => e.line === lineOf(bad, 'cpu: "100m"') && /^tenants\[2\]\.quota\.cpu:/.test(e.message),
      ),
    ).toBe(true);
    expect(found.every((e) => e.message.startsWith("tenants[2]."))).toBe(true);
    expect(new Set(found.map((e) => e.message)).size).toBe(found.length);
  });

  it("refuses images of components the product does not have", () => {
    const bad = text.replace(
      "          api: 111122223333.dkr.ecr.eu-central-1.amazonaws.com/portal/api:3.2.0-rc.1",
      "          apii: x:1",
    );
    expect(errors(bad)).toEqual([
      expect.objectContaining({
        code: "spec/unknown-component",
        line: lineOf(bad, "apii: x:1"),
        hint: 'did you mean "api"?',
      }),
    ]);
  });
});

describe("names of several clusters", () => {
  const errors = (t: string) =>
    validateSpecText(t, "platform.yaml").diagnostics.filter((d) => d.severity === "error");

  it("refuses a cluster whose default name would not be a DNS label", () => {
    const long = text.replace("  name: acme\n  region", `  name: ${"a".repeat(60)}\n  region`);
    expect(errors(long).map((d) => d.code)).toContain("spec/cluster-name-too-long");
  });

  it("refuses a CI role named like a zone's secrets role", () => {
    // zone "ci-portal" has the role <cluster>-ci-portal-secrets; product "portal-secrets" would get the same
    const clash = text
      .replace(
        "  internal:\n    customerData: false",
        "  ci-portal:\n    customerData: false\n  internal:\n    customerData: false",
      )
      .replace("    portal: { repository: acme/portal }", "    portal-secrets: { repository: acme/portal }")
      .replace(
        "products:\n  portal:",
        "products:\n  portal-secrets:\n    components: { api: { image: x/y:1 } }\n  portal:",
      );
    const found = errors(clash).filter((d) => d.code === "spec/name-collision");
    expect(found.map((d) => d.message).join("\n")).toContain("ci-portal-secrets");
  });
});

describe("what two clusters must not share", () => {
  const errors = (t: string) =>
    validateSpecText(t, "platform.yaml").diagnostics.filter((d) => d.severity === "error");

  it("refuses two clusters in one account and region: their tenants' secrets would be the same ones", () => {
    const shared = text.replace(
      '    awsAccountId: "444455556666"               # a non-production account of its own\n',
      "",
    );
    const found = errors(shared).filter((d) => d.code === "spec/clusters-share-secrets");
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toBe(
      "clusters.prod: in account 111122223333 and region eu-central-1, like clusters.staging: their tenants' secrets (<zone>/<tenant>/…) would be the same ones, readable by both",
    );
    // another region of the same account has secrets of its own
    const otherRegion = shared.replace(
      "    production: true                           # manual sync",
      "    production: true\n    region: eu-west-1",
    );
    expect(errors(otherRegion).map((d) => d.code)).not.toContain("spec/clusters-share-secrets");
  });

  it("refuses a hostname that two clusters would serve, and takes a hostname per cluster", () => {
    const same = text.replace("    domain: staging.n8n.acme.example\n", "");
    const found = errors(same).filter((d) => d.code === "spec/hostname-collision");
    expect(found.map((d) => d.message)).toEqual([
      'tenants[0]: "ops.n8n.acme.example" would be served by clusters staging and prod',
      'tenants[2]: "portal-globex.n8n.acme.example" would be served by clusters staging and prod',
    ]);
    const perCluster = same
      .replace("      staging: {}\n", "      staging: { hostname: ops.staging.acme.example }\n")
      .replace(
        '        quota: { cpu: "2", memory: 4Gi }',
        '        hostname: portal.staging.acme.example\n        quota: { cpu: "2", memory: 4Gi }',
      );
    expect(errors(perCluster)).toEqual([]);
  });
});
