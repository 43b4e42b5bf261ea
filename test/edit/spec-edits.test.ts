import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TenantctlError } from "../../src/diagnostics/diagnostic.js";
import { addTenant, promote, removeTenant, setImage } from "../../src/edit/operations.js";
import { editSpecFile } from "../../src/edit/spec-file.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import type { Platform } from "../../src/input/schema.js";
import { parseDocument } from "yaml";

/** A spec as people write them: comments everywhere, anchors, flow and block maps, odd spacing, quotes. */
const ODD = `# yaml-language-server: $schema=../schema/platform.schema.json
---
apiVersion: tenantctl/v1alpha1   # the only version
kind:    Platform
metadata: {name: acme}
cluster:
  name: acme
  region: 'eu-central-1'
  domain: n8n.acme.example
  kubernetesVersion: "1.34"
  awsAccountId: "111122223333"
clusters:
  staging: {domain: staging.n8n.acme.example, awsAccountId: "444455556666"}   # its own account
  prod:
    production: true

gitops: { repoURL: "https://git.acme.example/p.git", targetRevision: main, path: rendered }
zones:
  internal: { customerData: false }
  external:
    customerData: true
products:
  portal:
    components:
      api:
        image: &api ghcr.io/acme/portal:1.0.0   # the anchor
        port: 8000
        talksTo: [postgres]
      worker:
        image: *api
        talksTo: [postgres]
defaults:
  admins: &team [platform-team]
tenants:

  # staff
  - name: ops
    zone: internal
    admins: *team
    clusters:   [staging, prod]     # everywhere


  - {name: flow, zone: internal, admins: [flow-admins]}
  # the portal
  - name: portal-a
    zone: external
    product: portal
    admins: ["portal-a-admins"]
    clusters:
      staging:
        images: { api: "ghcr.io/acme/portal:1.1.0" }
      prod: {}
# end of file: a comment that stays
`;

function spec(text: string): Platform {
  const result = validateSpecText(text, "platform.yaml");
  if (result.spec === undefined) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return result.spec;
}

/** The lines of after that are not in before, when before is after with them taken out (only insertions happened). */
function inserted(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const added: string[] = [];
  let i = 0;
  for (const line of b) {
    if (i < a.length && a[i] === line) i++;
    else added.push(line);
  }
  expect(i, "every original line is kept, in order").toBe(a.length);
  return added;
}

describe("edits of platform.yaml keep the file", () => {
  it("set-image on a cluster replaces one scalar in place, its quotes kept", () => {
    // GIVEN the odd spec WHEN portal-a's api image is set on staging
    const after = setImage(ODD, spec(ODD), {
      tenant: "portal-a",
      component: "api",
      image: "ghcr.io/acme/portal:1.2.0",
      cluster: "staging",
    });
    // THEN only that value changed, byte for byte, and it kept its double quotes
    expect(after).toBe(ODD.replace('"ghcr.io/acme/portal:1.1.0"', '"ghcr.io/acme/portal:1.2.0"'));
    expect(validateSpecText(after, "p.yaml").spec).toBeDefined();
  });

  it("set-image adds a key to a flow map and a missing map in block style", () => {
    // WHEN the worker's image is set on staging (its flow map gains a key) and on every cluster (images: is new)
    const s = spec(ODD);
    const onStaging = setImage(ODD, s, {
      tenant: "portal-a",
      component: "worker",
      image: "w:2",
      cluster: "staging",
    });
    expect(onStaging).toBe(
      ODD.replace(
        'images: { api: "ghcr.io/acme/portal:1.1.0" }',
        'images: { api: "ghcr.io/acme/portal:1.1.0", worker: w:2 }',
      ),
    );
    const everywhere = setImage(ODD, s, { tenant: "portal-a", component: "worker", image: "w:3" });
    expect(inserted(ODD, everywhere)).toEqual(["    images:", "      worker: w:3"]);
    expect(spec(everywhere).tenants[2]?.images).toEqual({ worker: "w:3" });
  });

  it("set-image on a tenant placed by a list turns the list into a map in its own style", () => {
    // GIVEN a tenant of product portal placed as `clusters: [staging, prod]`
    const text = ODD.replace(
      "  - name: ops\n    zone: internal\n    admins: *team",
      "  - name: ops\n    zone: internal\n    product: portal\n    admins: *team",
    );
    const after = setImage(text, spec(text), {
      tenant: "ops",
      component: "api",
      image: "a:9",
      cluster: "prod",
    });
    // THEN the list became a flow map on the same line, its comment kept, and the value was added
    expect(after).toContain(
      "    clusters:   { staging: {}, prod: { images: { api: a:9 } } }     # everywhere\n",
    );
    expect(after.replace("{ staging: {}, prod: { images: { api: a:9 } } }", "[staging, prod]")).toBe(text);
  });

  it("tenant add appends an entry like the others; tenant remove takes out only its lines", () => {
    const s = spec(ODD);
    const added = addTenant(ODD, s, {
      name: "hooli",
      zone: "external",
      admins: ["hooli-admins"],
      clusters: ["prod"],
    });
    expect(inserted(ODD, added)).toEqual([
      "  - name: hooli",
      "    zone: external",
      "    admins: [hooli-admins]",
      "    clusters: [prod]",
    ]);
    expect(spec(added).tenants.map((t) => t.name)).toEqual(["ops", "flow", "portal-a", "hooli"]);
    // WHEN ops is removed THEN its five lines go, the comments around it stay
    const removed = removeTenant(ODD, s, "ops");
    expect(inserted(removed, ODD)).toEqual([
      "  - name: ops",
      "    zone: internal",
      "    admins: *team",
      "    clusters:   [staging, prod]     # everywhere",
    ]);
    // a flow entry goes too
    const flowGone = removeTenant(ODD, s, "flow");
    expect(inserted(flowGone, ODD)).toEqual(["  - {name: flow, zone: internal, admins: [flow-admins]}"]);
  });

  it("adds to and removes from a flow list without rewriting its other items", () => {
    const base = ODD.slice(0, ODD.indexOf("tenants:"));
    const flow = `${base}tenants: [ {name: one, zone: internal, admins: [one-admins]},   {name: two, zone: external, admins: [two-admins]} ]  # two\n`;
    const added = addTenant(flow, spec(flow), { name: "three", zone: "internal", admins: ["three-admins"] });
    expect(added).toBe(
      flow.replace(
        "admins: [two-admins]} ]",
        "admins: [two-admins]}, { name: three, zone: internal, admins: [three-admins] } ]",
      ),
    );
    expect(removeTenant(flow, spec(flow), "one")).toBe(
      flow.replace("{name: one, zone: internal, admins: [one-admins]},   ", ""),
    );
    expect(removeTenant(flow, spec(flow), "two")).toBe(
      flow.replace(",   {name: two, zone: external, admins: [two-admins]}", ""),
    );
  });

  it("turns an empty tenants: [] into a block list", () => {
    const empty = ODD.slice(0, ODD.indexOf("tenants:")) + "tenants: []\n";
    const after = addTenant(empty, spec(empty), {
      name: "first",
      zone: "internal",
      admins: ["first-admins"],
    });
    expect(after).toBe(
      `${empty.replace("tenants: []\n", "tenants:\n")}  - name: first\n    zone: internal\n    admins: [first-admins]\n`,
    );
  });

  it("keeps CRLF line ends on the lines it writes", () => {
    const crlf = ODD.replaceAll("\n", "\r\n");
    const after = setImage(crlf, spec(crlf), { tenant: "portal-a", component: "worker", image: "w:3" });
    expect(after.replaceAll("\r\n", "")).not.toContain("\n");
    expect(inserted(crlf.replaceAll("\r\n", "\n"), after.replaceAll("\r\n", "\n"))).toHaveLength(2);
  });

  it("promote carries images (not sizes) to the target cluster, only where they differ", () => {
    const text = ODD.replace(
      '        images: { api: "ghcr.io/acme/portal:1.1.0" }',
      '        images: { api: "ghcr.io/acme/portal:1.1.0" }\n        quota: { cpu: "2" }',
    );
    const { text: after, promotions } = promote(text, spec(text), { from: "staging", to: "prod" });
    expect(promotions).toEqual([
      {
        tenant: "portal-a",
        what: "images.api",
        from: "ghcr.io/acme/portal:1.0.0",
        to: "ghcr.io/acme/portal:1.1.0",
      },
    ]);
    expect(after).toBe(
      text.replace("      prod: {}", "      prod: { images: { api: ghcr.io/acme/portal:1.1.0 } }"),
    );
    // a second promotion finds nothing to do
    expect(promote(after, spec(after), { from: "staging", to: "prod" }).promotions).toEqual([]);
  });

  it("refuses a promotion that would downgrade n8n (its database has migrated forward)", () => {
    const text = ODD.replace(
      "    clusters:   [staging, prod]     # everywhere",
      '    clusters: { staging: { n8n: { version: "1.100.0" } }, prod: { n8n: { version: "1.123.81" } } }',
    );
    expect(() => promote(text, spec(text), { from: "staging", to: "prod" })).toThrow(
      /ops runs n8n 1\.123\.81 on prod and 1\.100\.0 on staging: promoting would downgrade prod/,
    );
    const upgrade = promote(text, spec(text), { from: "prod", to: "staging", tenants: ["ops"] });
    expect(upgrade.promotions).toEqual([
      { tenant: "ops", what: "n8n.version", from: "1.100.0", to: "1.123.81", staged: true },
    ]);
    // Forward, staged on the target as tenantctl upgrade stages it: the data's release kept in upgradeFrom.
    expect(upgrade.text).toContain(
      '{ staging: { n8n: { version: "1.123.81", upgradeFrom: 1.100.0 } }, prod: { n8n: { version: "1.123.81" } } }',
    );
    expect(
      promote(upgrade.text, spec(upgrade.text), { from: "prod", to: "staging", tenants: ["ops"] }).promotions,
    ).toEqual([]);
  });

  it("refuses to edit through an alias", () => {
    const text = ODD.replace(
      '        images: { api: "ghcr.io/acme/portal:1.1.0" }',
      "        images: &imgs { api: x:1 }",
    ).replace("      prod: {}", "      prod: { images: *imgs }");
    expect(() =>
      setImage(text, spec(text), { tenant: "portal-a", component: "api", image: "y:2", cluster: "prod" }),
    ).toThrow(/alias \(\*imgs\)/);
  });
});

describe("a refused edit leaves the file untouched", () => {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-edit-"));
  const file = join(dir, "platform.yaml");

  async function refused(edit: Parameters<typeof editSpecFile>[1]): Promise<TenantctlError> {
    writeFileSync(file, ODD);
    const before = statSync(file).mtimeMs;
    const error = await editSpecFile(file, edit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantctlError);
    expect(readFileSync(file, "utf8")).toBe(ODD);
    expect(statSync(file).mtimeMs).toBe(before);
    return error as TenantctlError;
  }

  it("for an unknown component, tenant or cluster, with a did-you-mean", async () => {
    const e1 = await refused((t, s) =>
      setImage(t, s, { tenant: "portal-a", component: "wrker", image: "x:1" }),
    );
    expect(e1.diagnostics[0]?.hint).toBe("did you mean worker?");
    const e2 = await refused((t, s) =>
      setImage(t, s, { tenant: "portal-b", component: "api", image: "x:1" }),
    );
    expect(e2.diagnostics[0]?.hint).toBe("did you mean portal-a?");
    const e3 = await refused((t, s) => promote(t, s, { from: "stagin", to: "prod" }).text);
    expect(e3.diagnostics[0]?.hint).toBe("did you mean staging?");
    await refused((t, s) => setImage(t, s, { tenant: "ops", component: "api", image: "x:1" }));
  });

  it("when the edited spec would be invalid (an unknown zone), with the validation's error", async () => {
    const e = await refused((t, s) => addTenant(t, s, { name: "new", zone: "externl" }));
    expect(e.diagnostics.map((d) => d.code)).toEqual(["spec/unknown-zone", "edit/refused"]);
    expect(e.diagnostics[0]?.hint).toContain('did you mean "external"');
  });

  it("writes through a symbolic link to the file it names, the link kept", async () => {
    const { symlinkSync, lstatSync } = await import("node:fs");
    const real = join(dir, "real.yaml");
    const link = join(dir, "link.yaml");
    writeFileSync(real, ODD);
    symlinkSync(real, link);
    await editSpecFile(link, (t, s) =>
      setImage(t, s, { tenant: "portal-a", component: "worker", image: "w:5" }),
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toContain("      worker: w:5");
  });

  it("writes the file when the edit is valid, and --dry-run does not", async () => {
    writeFileSync(file, ODD);
    const dry = await editSpecFile(
      file,
      (t, s) => setImage(t, s, { tenant: "portal-a", component: "worker", image: "w:1" }),
      { dryRun: true },
    );
    expect(dry.changed).toBe(true);
    expect(dry.diff.some((l) => l.startsWith("+ ") && l.includes("worker: w:1"))).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(ODD);
    await editSpecFile(file, (t, s) =>
      setImage(t, s, { tenant: "portal-a", component: "worker", image: "w:1" }),
    );
    expect(readFileSync(file, "utf8")).toContain("      worker: w:1");
  });
});

describe("a value can never become YAML structure", () => {
  it("quotes what would add a key to a flow map, end it, or read as another type", () => {
    // GIVEN portal-a's staging images, a flow map; WHEN the value is crafted to add a key there
    const after = setImage(ODD, spec(ODD), {
      tenant: "portal-a",
      component: "worker",
      image: "x:1, api: evil:2",
      cluster: "staging",
    });
    // THEN it is one string value of worker (and the schema then refuses it as an image)
    expect(after).toContain('worker: "x:1, api: evil:2"');
    const result = validateSpecText(after, "p.yaml");
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map((d) => d.path.join("."))).toEqual([
      "tenants.2.clusters.staging.images.worker",
    ]);
    // and words YAML reads as other types, or with newlines, stay strings
    for (const value of ["true", "1.5", "null", "a\nb: c", "x # y", "}{", "-"]) {
      const text = setImage(ODD, spec(ODD), { tenant: "portal-a", component: "worker", image: value });
      const parsed = (parseDocument(text).toJS() as { tenants: { images?: Record<string, unknown> }[] })
        .tenants[2];
      expect(parsed?.images?.worker, value).toBe(value);
    }
  });
});
