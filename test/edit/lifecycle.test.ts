import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli.js";
import { hibernateEdit, wakeEdit } from "../../src/edit/hibernation.js";
import { offboardEdit } from "../../src/edit/offboard.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { retainedThrough, retainedUntil, stillRetained } from "../../src/model/offboarding.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";

const TEXT = localSpec(
  "life",
  `# who runs here
tenants:
  - name: alpha   # the first
    zone: internal
  - name: beta
    zone: internal
    hibernation: { idleAfter: 2h }
`,
);

describe("hibernate and wake as spec edits", () => {
  it("writes asleep on the tenant, keeps every other byte, and wake takes exactly that back", () => {
    const asleep = hibernateEdit(TEXT, validSpec(TEXT), "alpha");
    expect(asleep).toBe(
      TEXT.replace(
        "    zone: internal\n  - name: beta",
        "    zone: internal\n    hibernation:\n      asleep: true\n  - name: beta",
      ),
    );
    expect(validSpec(asleep).tenants[0]?.hibernation).toEqual({ asleep: true });
    expect(wakeEdit(asleep, validSpec(asleep), "alpha")).toBe(TEXT);
    const beta = hibernateEdit(TEXT, validSpec(TEXT), "beta");
    expect(beta).toContain("hibernation: { idleAfter: 2h, asleep: true }");
    expect(wakeEdit(beta, validSpec(beta), "beta")).toBe(TEXT);
  });

  it("wakes a tenant asleep through defaults: with asleep false of its own", () => {
    const text = TEXT.replace("# who runs here\n", "defaults:\n  hibernation: { asleep: true }\n");
    const woken = wakeEdit(text, validSpec(text), "alpha");
    expect(validSpec(woken).tenants[0]?.hibernation).toEqual({ asleep: false });
  });

  it("names the tenant it does not know, with a suggestion", () => {
    expect(() => hibernateEdit(TEXT, validSpec(TEXT), "alfa")).toThrow(/alfa is not a tenant/);
  });
});

describe("offboard as a spec edit", () => {
  it("moves the tenant to offboarded: with its day quoted, and a second one joins the list", () => {
    const once = offboardEdit(TEXT, validSpec(TEXT), "alpha", "2027-06-01", "alpha-20261201T100000Z");
    expect(once).not.toContain("- name: alpha");
    expect(once).toContain("# who runs here\n");
    expect(
      once.endsWith(
        'offboarded:\n  - { name: alpha, zone: internal, until: "2027-06-01", backup: alpha-20261201T100000Z }\n',
      ),
    ).toBe(true);
    const twice = offboardEdit(once, validSpec(once), "beta", "2027-07-01", undefined);
    expect(validSpec(twice).offboarded.map((o) => [o.name, o.until])).toEqual([
      ["alpha", "2027-06-01"],
      ["beta", "2027-07-01"],
    ]);
    expect(validSpec(twice).tenants).toEqual([]);
  });

  it("refuses before any backup when the spec cannot lose the tenant (an upgrade wave names it)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tenantctl-offboard-refused-")), "platform.yaml");
    const text = TEXT.replace(
      "# who runs here\n",
      "upgrades:\n  waves:\n    - { name: first, tenants: [alpha] }\n",
    );
    writeFileSync(file, text);
    // A kubeconfig that does not exist: reaching for the cluster would fail otherwise.
    const r = await run(
      "offboard",
      file,
      "alpha",
      "--retain",
      "30d",
      "--kubeconfig",
      "/nonexistent/kubeconfig",
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("edit/refused");
    expect(r.err).not.toMatch(/kubeconfig|unreachable|backup/i);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("refuses a tenant that is both offboarded and running, at the tenant's line", () => {
    const text = `${TEXT}offboarded:\n  - { name: beta, zone: internal, until: "2027-01-01" }\n`;
    const result = validateSpecText(text, "platform.yaml");
    const d = result.diagnostics.find((x) => x.code === "spec/offboarded-tenant-returns");
    expect(d?.location?.line).toBe(text.split("\n").indexOf("  - name: beta") + 1);
  });
});

describe("retention days", () => {
  const now = new Date("2026-12-01T10:00:00Z");

  it("counts days, weeks, months and years from today, and keeps through the whole last day", () => {
    expect(retainedThrough("90d", now)).toBe("2027-03-01");
    expect(retainedThrough("2w", now)).toBe("2026-12-15");
    expect(retainedThrough("6m", now)).toBe("2027-06-01");
    expect(retainedThrough("7y", now)).toBe("2033-12-01");
    expect(stillRetained("2026-12-01", new Date("2026-12-01T23:59:59Z"))).toBe(true);
    expect(stillRetained("2026-12-01", new Date("2026-12-02T00:00:00Z"))).toBe(false);
  });

  it("takes the later of the object's own day and its tenant's entry (a hand edit cannot shorten it)", () => {
    const object = (until?: string) => ({
      metadata: {
        labels: { "tenantctl.io/tenant": "gone" },
        annotations: until === undefined ? {} : { "tenantctl.io/retain-until": until },
      },
    });
    const listed = [{ name: "gone", zone: "z", until: "2027-01-01" }];
    expect(retainedUntil(listed, object("2027-05-01"))).toBe("2027-05-01");
    expect(retainedUntil([], object("2027-05-01"))).toBe("2027-05-01");
    expect(retainedUntil(listed, object())).toBe("2027-01-01");
    expect(retainedUntil(listed, object("not a day"))).toBe("2027-01-01");
    expect(retainedUntil([], object())).toBeUndefined();
  });
});
