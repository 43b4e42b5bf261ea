import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { validateSpecText } from "../../src/model/load-platform.js";
import { upgradeWaves } from "../../src/model/upgrade-waves.js";
import { runningFromCopy } from "../../src/model/release-changes.js";
import { validSpec } from "../support/example.js";

/** The upgrade golden (waves, a tenant mid-move), edited per case. */
const WAVES = fileURLToPath(new URL("../golden/upgrade/platform.yaml", import.meta.url));
const wavesWith = (edit: (doc: ReturnType<typeof parseDocument>) => void): string => {
  const doc = parseDocument(readFileSync(WAVES, "utf8"));
  edit(doc);
  return doc.toString();
};
const check = (text: string, running?: string) =>
  validateSpecText(
    text,
    "platform.yaml",
    running === undefined ? undefined : runningFromCopy(validSpec(running)),
  ).diagnostics;

describe("upgrade waves", () => {
  it("orders the tenants: each in the first wave that selects it, the rest last", () => {
    expect(upgradeWaves(validSpec(wavesWith(() => undefined)))).toEqual([
      { name: "staff", tenants: ["upg-ops"] },
      { name: "canary", tenants: ["upg-canary"] },
      { name: "rest", tenants: ["upg-later"] },
    ]);
  });

  it("selects by labels, and a spec without waves is one wave, rest", () => {
    const labelled = wavesWith((doc) => {
      doc.setIn(["upgrades", "waves", 1], doc.createNode({ name: "canary", labels: { ring: "canary" } }));
      doc.setIn(["tenants", 2, "labels"], doc.createNode({ ring: "canary" }));
    });
    expect(upgradeWaves(validSpec(labelled)).map((w) => [w.name, w.tenants])).toEqual([
      ["staff", ["upg-ops"]],
      ["canary", ["upg-later"]],
      ["rest", ["upg-canary"]],
    ]);
    const none = wavesWith((doc) => doc.delete("upgrades"));
    expect(upgradeWaves(validSpec(none))).toEqual([
      { name: "rest", tenants: ["upg-ops", "upg-canary", "upg-later"] },
    ]);
  });

  it("refuses unknown tenants and zones with a did-you-mean, at their line", () => {
    const found = check(
      wavesWith((doc) => {
        doc.setIn(["upgrades", "waves", 1, "tenants", 0], "upg-canery");
        doc.setIn(["upgrades", "waves", 0, "zones", 0], "upg-staf");
      }),
    );
    const codes = found.map((d) => [d.code, d.hint]);
    expect(codes).toContainEqual(["spec/unknown-tenant", 'did you mean "upg-canary"?']);
    expect(codes).toContainEqual(["spec/unknown-zone", 'did you mean "upg-staff"?']);
    expect(found.every((d) => (d.location?.line ?? 0) > 10)).toBe(true);
  });

  it("refuses a wave that selects nobody, a tenant in two waves, a duplicate name and the name rest", () => {
    const codes = (edit: (doc: ReturnType<typeof parseDocument>) => void) =>
      check(wavesWith(edit)).map((d) => d.code);
    expect(
      codes((doc) => doc.setIn(["upgrades", "waves", 1, "labels"], doc.createNode({ ring: "none" }))),
    ).toEqual([]);
    expect(
      codes((doc) => {
        doc.deleteIn(["upgrades", "waves", 1, "tenants"]);
        doc.setIn(["upgrades", "waves", 1, "labels"], doc.createNode({ ring: "none" }));
      }),
    ).toEqual(["spec/empty-upgrade-wave"]);
    expect(
      codes((doc) => doc.setIn(["upgrades", "waves", 1, "zones"], doc.createNode(["upg-staff"]))),
    ).toEqual(["spec/tenant-in-two-waves"]);
    expect(codes((doc) => doc.setIn(["upgrades", "waves", 1, "name"], "staff"))).toEqual([
      "spec/duplicate-upgrade-wave",
    ]);
    expect(codes((doc) => doc.setIn(["upgrades", "waves", 1, "name"], "rest"))).toEqual([
      "spec/duplicate-upgrade-wave",
    ]);
  });
});

describe("release changes against what runs", () => {
  const on = (version: string, upgradeFrom?: string) =>
    wavesWith((doc) => {
      doc.setIn(["tenants", 2, "n8n"], doc.createNode({ version, ...(upgradeFrom ? { upgradeFrom } : {}) }));
    });

  it("refuses a version lower than the running one (spec/n8n-downgrade), at the version's line", () => {
    const found = check(on("1.123.80"), on("1.123.81"));
    expect(found.map((d) => d.code)).toEqual(["spec/n8n-downgrade"]);
    expect(found[0]?.message).toContain("upg-later runs 1.123.81");
    expect(found[0]?.hint).toContain("restore from the backup taken before the upgrade");
    expect(found[0]?.location?.line).toBeGreaterThan(28);
  });

  it("refuses a higher version unstaged, and accepts it staged with upgradeFrom", () => {
    expect(check(on("2.41.1"), on("1.123.81")).map((d) => d.code)).toEqual(["spec/unstaged-upgrade"]);
    expect(check(on("2.41.1", "1.123.81"), on("1.123.81"))).toEqual([]);
    // Without a record of what runs there is nothing to judge against.
    expect(check(on("2.41.1"))).toEqual([]);
  });

  it("refuses upgradeFrom above the version, or equal to it", () => {
    expect(check(on("1.123.81", "2.41.1")).map((d) => d.code)).toEqual(["spec/n8n-downgrade"]);
    expect(check(on("2.41.1", "2.41.1")).map((d) => d.code)).toEqual(["spec/n8n-upgrade-finished"]);
  });
});

describe("database.restore", () => {
  const RESTORE = fileURLToPath(new URL("../golden/restore/platform.yaml", import.meta.url));
  const restoreWith = (edit: (doc: ReturnType<typeof parseDocument>) => void): string => {
    const doc = parseDocument(readFileSync(RESTORE, "utf8"));
    edit(doc);
    return doc.toString();
  };
  const codes = (text: string) => validateSpecText(text, "platform.yaml").diagnostics.map((d) => d.code);

  it("is a tenant's own server's: refused for a database on the zone's server, for rds, and in defaults", () => {
    expect(codes(restoreWith(() => undefined))).toEqual([]);
    expect(
      codes(restoreWith((doc) => doc.setIn(["tenants", 0, "database", "isolation"], "database"))),
    ).toContain("spec/restore-needs-own-server");
    expect(
      codes(
        restoreWith((doc) =>
          doc.setIn(["defaults"], doc.createNode({ database: { restore: { generation: 2 } } })),
        ),
      ),
    ).toContain("spec/restore-in-defaults");
  });

  it("takes a point in time with its zone only", () => {
    const found = validateSpecText(
      restoreWith((doc) =>
        doc.setIn(["tenants", 0, "database", "restore", "pointInTime"], "2026-12-01 05:00"),
      ),
      "platform.yaml",
    ).diagnostics;
    expect(found.map((d) => d.code)).toEqual(["spec/invalid-format"]);
    expect(found[0]?.message).toContain("RFC 3339");
  });
});
