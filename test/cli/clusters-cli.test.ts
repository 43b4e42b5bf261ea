import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const clusters = join(repo, "examples", "clusters.yaml");
const single = join(repo, "examples", "platform.yaml");

describe("commands on a spec with several clusters", () => {
  it("asks which cluster a one-cluster command means, and suggests a misspelt one", async () => {
    const missing = await run("verify", clusters);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("error cli/cluster-required");
    expect(missing.err).toContain("hint: add --cluster <staging|prod>");
    const typo = await run("verify", clusters, "--cluster", "stagng");
    expect(typo.err).toContain("hint: did you mean staging?");
    const none = await run("verify", single, "--cluster", "prod");
    expect(none.err).toContain("this spec declares no clusters:");
    const chosen = await run("verify", clusters, "--cluster", "staging");
    expect(chosen.code).toBe(0);
    expect(chosen.out).toContain("isolation holds");
  });

  it("lists the clusters, and prices all of them with a total", async () => {
    const list = await run("clusters", clusters);
    expect(list.out).toMatch(/staging\s+acme-staging\s+444455556666\s+no\s+automatic/);
    expect(list.out).toMatch(/prod\s+acme-prod\s+111122223333\s+yes\s+manual \(windows\)/);
    expect((await run("clusters", clusters, "--keys")).out).toBe("staging\nprod\n");
    expect((await run("clusters", single, "--keys")).out).toBe("");
    const cost = await run("cost", clusters);
    expect(cost.code).toBe(0);
    expect(cost.out).toContain("== cluster acme-staging");
    expect(cost.out).toContain("== cluster acme-prod");
    expect(cost.out).toMatch(/^all 2 clusters: platform \$[\d,.]+ per month vs baseline \$[\d,.]+/m);
  });
});

describe("render --check", () => {
  it("passes on a fresh tree and names every changed, missing and extra file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-check-"));
    const out = join(dir, "rendered");
    expect((await run("render", clusters, "--out", out)).code).toBe(0);
    const clean = await run("render", clusters, "--out", out, "--check");
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/is what the spec renders \(\d+ files\)/);
    // WHEN one file is edited, one removed and one added
    const edited = "clusters/acme-prod/cluster/argocd/application-cluster-acme-prod.yaml";
    writeFileSync(join(out, edited), `${readFileSync(join(out, edited), "utf8")}# hand edit\n`);
    const removed = "clusters/acme-staging/tenants/ops/n8n/deployment-n8n-main.yaml";
    rmSync(join(out, removed));
    writeFileSync(join(out, "clusters/acme-prod/tenants/ops/n8n/extra.yaml"), "kind: ConfigMap\n");
    const dirty = await run("render", clusters, "--out", out, "--check");
    // THEN exit 1, each named under its heading, and nothing is written
    expect(dirty.code).toBe(1);
    expect(dirty.out).toContain(`changed:\n  ${edited}\n`);
    expect(dirty.out).toContain(`not in the directory (render adds them):\n  ${removed}\n`);
    expect(dirty.out).toContain(
      "not rendered (render removes them; Argo CD would apply them):\n  clusters/acme-prod/tenants/ops/n8n/extra.yaml\n",
    );
    expect(readFileSync(join(out, edited), "utf8")).toContain("# hand edit");
    const absent = await run("render", clusters, "--out", join(dir, "nothing"), "--check");
    expect(absent.code).toBe(1);
    expect(absent.err).toContain("error render/check-missing");
  });
});

describe("edit commands", () => {
  it("show the change as a diff, write only a valid result, and --dry-run writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-edit-cli-"));
    const spec = join(dir, "platform.yaml");
    copyFileSync(clusters, spec);
    const before = readFileSync(spec, "utf8");
    const dry = await run(
      "set-image",
      spec,
      "portal-globex/worker",
      "w:1",
      "--cluster",
      "staging",
      "--dry-run",
    );
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("+           worker: w:1");
    expect(dry.out).toContain("dry run: nothing written");
    expect(readFileSync(spec, "utf8")).toBe(before);
    const add = await run("tenant", "add", spec, "hooli", "--zone", "external", "--clusters", "prod");
    expect(add.code).toBe(0);
    expect(add.out).toContain("+   - name: hooli");
    expect(readFileSync(spec, "utf8")).toBe(
      `${before.trimEnd()}\n  - name: hooli\n    zone: external\n    clusters: [prod]\n`,
    );
    const again = await run("tenant", "add", spec, "hooli", "--zone", "external");
    expect(again.code).toBe(1);
    expect(again.err).toContain("error edit/tenant-exists");
    const bad = await run("set-image", spec, "portal-globex", "x:1");
    expect(bad.err).toContain("expected <tenant>/<component>");
    const n8n = await run("set-image", spec, "ops/n8n", "x:1");
    expect(n8n.err).toContain("hint: promote or edit n8n.version instead");
  });
});
