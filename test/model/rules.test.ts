import { describe, expect, it } from "vitest";
import { type Diagnostic, isError } from "../../src/diagnostics/diagnostic.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { exampleSpecText, exampleWith } from "../support/spec-text.js";

const check = (text: string): readonly Diagnostic[] => validateSpecText(text, "platform.yaml").diagnostics;
const codes = (text: string) =>
  check(text).map((d) => `${d.severity} ${d.code} ${d.location?.line}:${d.location?.column}`);

describe("spec rules", () => {
  it("accepts the example without a single error or warning", () => {
    expect(check(exampleSpecText())).toEqual([]);
  });

  it("suggests the zone a typo was meant to be", () => {
    const typo = validateSpecText(
      exampleWith((doc) => doc.setIn(["tenants", 0, "zone"], "internl")),
      "platform.yaml",
    );
    const found = typo.diagnostics.find((d) => d.code === "spec/unknown-zone");
    expect(found?.hint).toBe('did you mean "internal"? Or declare "internl" under `zones:`');
    const far = validateSpecText(
      exampleWith((doc) => doc.setIn(["tenants", 0, "zone"], "somewhere")),
      "platform.yaml",
    );
    expect(far.diagnostics.find((d) => d.code === "spec/unknown-zone")?.hint).toContain(
      "use one of the zones",
    );
  });

  it("fails when a tenant sets a label that tenantctl owns", () => {
    const text = exampleWith((doc) =>
      doc.setIn(["tenants", 0, "labels"], { "tenantctl.io/zone": "external" }),
    );
    const found = check(text);
    expect(found.map((d) => d.code)).toEqual(["spec/reserved-label"]);
    expect(found[0]?.message).toContain('"tenantctl.io/zone"');
  });

  it("allows shared data services in a customer-data zone only when the zone opts in", () => {
    const shared = exampleWith((doc) => doc.setIn(["tenants", 2, "database"], { isolation: "database" }));
    expect(codes(shared)).toEqual([
      expect.stringMatching(/^error spec\/shared-data-service-in-customer-zone/),
    ]);
    const optedIn = exampleWith((doc) => {
      doc.setIn(["tenants", 2, "database"], { isolation: "database" });
      doc.setIn(["zones", "external", "allowSharedDataServices"], true);
    });
    expect(check(optedIn).filter(isError)).toEqual([]);
  });

  it("allows shared data services in a zone without customer data", () => {
    const text = exampleWith((doc) => {
      doc.setIn(["tenants", 0, "redis"], { isolation: "acl" });
      doc.setIn(["tenants", 0, "database"], { isolation: "database" });
      doc.setIn(["tenants", 0, "n8n"], { version: "2.3.2" });
    });
    expect(check(text)).toEqual([]);
  });

  it("fails when a Redis ACL user is asked for an n8n that publishes on unprefixed channels", () => {
    const text = exampleWith((doc) => {
      doc.setIn(["tenants", 0, "redis"], { isolation: "acl" });
      doc.setIn(["tenants", 0, "n8n"], { version: "1.123.81" });
    });
    const found = check(text);
    expect(found.map((d) => d.code)).toEqual(["spec/acl-needs-prefixed-pubsub"]);
    expect(found[0]?.message).toContain("n8n 1.123.81 publishes on unprefixed Redis channels");
    expect(found[0]?.hint).toContain("2.3.0");
  });

  it("fails when cert-manager certificates are asked of an ALB, or no issuer is named", () => {
    const text = exampleWith((doc) => doc.set("ingress", { tls: "cert-manager" }));
    expect(
      check(text)
        .map((d) => d.code)
        .sort(),
    ).toEqual(["spec/cert-manager-with-alb", "spec/missing-field"]);
  });

  it("points at defaults: when the offending value comes from there", () => {
    const text = exampleWith((doc) => doc.setIn(["defaults", "database"], { isolation: "database" }));
    const found = check(text);
    // Three external tenants inherit it (globex overrides with rds): each is reported at defaults.database.isolation.
    expect(found.map((d) => d.path.join("."))).toEqual([
      "defaults.database.isolation",
      "defaults.database.isolation",
    ]);
    expect(new Set(found.map((d) => d.location?.line)).size).toBe(1);
  });

  it("warns when the quota leaves no room for the autoscaling maximum", () => {
    const text = exampleWith((doc) => doc.setIn(["tenants", 2, "n8n"], { workers: { max: 30 } }));
    const found = check(text);
    expect(found.length).toBeGreaterThan(0);
    expect(
      found.every((d) => d.severity === "warning" && d.code === "spec/quota-below-autoscaling-max"),
    ).toBe(true);
    expect(validateSpecText(text, "platform.yaml").spec).toBeDefined();
  });

  it("fails when an internal zone lists customer-data networks", () => {
    const text = exampleWith((doc) => doc.setIn(["zones", "internal", "customerDataCidrs"], ["10.9.0.0/16"]));
    expect(check(text).map((d) => d.code)).toEqual(["spec/customer-data-cidrs-in-internal-zone"]);
  });

  it("fails when a CIDR is not one", () => {
    const text = exampleWith((doc) =>
      doc.setIn(["zones", "internal", "denyEgressTo"], ["10.50.0.0/33", "banana"]),
    );
    expect(check(text).map((d) => d.code)).toEqual(["spec/invalid-value", "spec/invalid-value"]);
  });

  it("accepts a 56-character tenant name (its namespace tenant-<name> is then 63 characters)", () => {
    const text = exampleWith((doc) => doc.setIn(["tenants", 0, "name"], `a${"b".repeat(55)}`));
    expect(check(text).filter(isError)).toEqual([]);
  });

  it("fails when a tenant name is too long for its namespace to be a DNS label", () => {
    const text = exampleWith((doc) => doc.setIn(["tenants", 0, "name"], "a".repeat(57)));
    const found = check(text);
    expect(found.map((d) => d.code)).toEqual(["spec/out-of-range"]);
    expect(found[0]?.message).toContain("expected at most 56 characters");
  });

  it("fails when the file holds more than one document", () => {
    expect(codes(`${exampleSpecText()}---\nkind: Other\n`)).toEqual([
      expect.stringMatching(/spec\/multiple-documents \d+:1/),
    ]);
  });

  it("fails when the file is empty", () => {
    expect(check("# nothing here\n").map((d) => d.code)).toEqual(["spec/empty"]);
  });
});

describe("a zone typo in the first round", () => {
  it("is named with the schema's errors, at its line, with a did-you-mean", () => {
    // GIVEN a spec with a schema error (a misspelt key) and a zone typo
    const text = exampleWith((doc) => {
      doc.setIn(["tenants", 1, "zone"], "extrnal");
      doc.setIn(["tenants", 2, "admnis"], ["x"]);
    });
    const result = validateSpecText(text, "platform.yaml");
    // THEN both are reported at once
    expect(result.spec).toBeUndefined();
    const codes = result.diagnostics.map((d) => [d.code, d.hint]);
    expect(codes).toContainEqual([
      "spec/unknown-zone",
      'did you mean "external"? Or declare "extrnal" under `zones:`',
    ]);
    expect(codes.map(([c]) => c)).toContain("spec/unknown-field");
    const zone = result.diagnostics.find((d) => d.code === "spec/unknown-zone");
    expect(zone?.location?.line).toBe(text.split("\n").findIndex((l) => l.includes("extrnal")) + 1);
  });
});
