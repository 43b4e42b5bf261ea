import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const example = join(repo, "examples", "platform.yaml");
const invalid = join(repo, "test", "golden", "invalid", "duplicate-tenant-unknown-zone", "platform.yaml");

describe("tenantctl CLI", () => {
  it("validates the example", async () => {
    const r = await run("validate", example);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid \(4 tenants in 2 zones\)/);
  });

  it("fails with exit 1 and every error with line:column when the spec is invalid", async () => {
    const r = await run("validate", invalid);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/platform\.yaml:\d+:\d+ error spec\/duplicate-tenant/);
    expect(r.err).toMatch(/platform\.yaml:\d+:\d+ error spec\/unknown-zone/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("reports diagnostics as JSON for machines", async () => {
    const r = await run("validate", invalid, "--format", "json");
    const parsed = JSON.parse(r.out) as {
      valid: boolean;
      diagnostics: { code: string; location: { line: number } }[];
    };
    expect(r.code).toBe(1);
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["spec/duplicate-tenant", "spec/unknown-zone"]);
  });

  it("fails with exit 1 and a clear message when the spec file is missing", async () => {
    const r = await run("validate", "no/such/platform.yaml");
    expect(r.code).toBe(1);
    expect(r.err).toContain("cannot read the spec no/such/platform.yaml: no such file");
    expect(r.err).toContain("hint:");
  });

  it("fails with exit 2 on a usage error", async () => {
    expect((await run("render")).code).toBe(2);
    expect((await run("frobnicate")).code).toBe(2);
    expect((await run("validate", example, "--format", "xml")).code).toBe(2);
  });

  it("renders into a directory and prints a summary per tenant", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tenantctl-cli-")), "rendered");
    const r = await run("render", example, "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/rendered 4 tenants, \d+ objects/);
    for (const tenant of ["ops", "globex", "initech", "umbrella"]) expect(r.out).toContain(tenant);
    expect(readdirSync(join(out, "tenants")).sort()).toEqual(["globex", "initech", "ops", "umbrella"]);
  });

  it("refuses with exit 1 tenants whose components declare no local command, before it installs or starts anything", async () => {
    const state = join(mkdtempSync(join(tmpdir(), "tenantctl-cli-")), "state");
    const r = await run(
      "up",
      join(repo, "examples", "products.yaml"),
      "--tenants",
      "shop-initech",
      "--state-dir",
      state,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("up/no-local-tenants");
    expect(r.err).toContain(
      "shop-initech (components web, api, worker, automation of shop declare no local: command)",
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(() => readdirSync(state)).toThrow();
  });

  it("writes one YAML stream to stdout with --out -", async () => {
    const r = await run("render", example, "--out", "-");
    expect(r.code).toBe(0);
    expect(r.out.startsWith("---\n# clusters/acme-prod/")).toBe(true);
    expect(r.out).toContain("---\n# tenants/ops/n8n/deployment-n8n-main.yaml\n");
  });

  it("refuses with exit 1 to overwrite a directory it does not own", async () => {
    const r = await run("render", example, "--out", join(repo, "src"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("render/output-not-owned");
  });

  it("runs as an installed executable (bin/tenantctl.js over dist/)", () => {
    const r = spawnSync(process.execPath, [join(repo, "bin", "tenantctl.js"), "validate", example], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("valid");
  });

  it("ends quietly when the reader closes the pipe (render --out - | head)", () => {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `set -o pipefail; "${process.execPath}" "${join(repo, "bin", "tenantctl.js")}" render "${example}" --out - | head -c 100 >/dev/null`,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).not.toContain("EPIPE");
    expect(r.stderr).not.toMatch(/Unhandled|\n\s+at /);
  });
});

describe("the CLI starts fast: each command loads only what it needs", () => {
  const bin = fileURLToPath(new URL("../../bin/tenantctl.js", import.meta.url));
  const hook = fileURLToPath(new URL("../support/record-imports.mjs", import.meta.url));
  const loadedBy = (...args: string[]) => {
    const record = join(mkdtempSync(join(tmpdir(), "tenantctl-imports-")), "imports.txt");
    writeFileSync(record, "");
    const r = spawnSync(process.execPath, ["--import", hook, bin, ...args], {
      encoding: "utf8",
      env: { ...process.env, TENANTCTL_RECORD_IMPORTS: record },
    });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(record, "utf8").split("\n");
  };

  it("records the Kubernetes client where a command does load it (the check can fail)", () => {
    const record = join(mkdtempSync(join(tmpdir(), "tenantctl-imports-")), "imports.txt");
    writeFileSync(record, "");
    spawnSync(process.execPath, ["--import", hook, bin, "diff", example, "--kubeconfig", "/nonexistent"], {
      encoding: "utf8",
      env: { ...process.env, TENANTCTL_RECORD_IMPORTS: record },
    });
    expect(readFileSync(record, "utf8")).toMatch(/\/node_modules\/@kubernetes\/client-node\//);
  });

  for (const args of [["--version"], ["validate", example], ["verify", example]]) {
    it(`${args[0]} loads neither the Kubernetes client nor the PostgreSQL or Redis drivers`, () => {
      const loaded = loadedBy(...args);
      expect(
        loaded.filter((url) => /\/node_modules\/(@kubernetes\/client-node|pg|ioredis)\//.test(url)),
      ).toEqual([]);
      // The recording itself works: the command's own modules and commander are there.
      expect(loaded.some((url) => url.includes("/node_modules/commander/"))).toBe(true);
    });
  }
});

describe("up's closing lines", () => {
  it("end with each editor and the commands that come next, with the state directory given", async () => {
    const { nextSteps } = await import("../../src/cli/local-state.js");
    const text = nextSteps(
      [
        {
          name: "ops",
          url: "http://127.0.0.1:41001/",
          hint: "first visit: create the tenant's owner account",
        },
        { name: "initech", url: "http://127.0.0.1:41002/" },
      ],
      "/tmp/state",
    );
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("next:");
    expect(lines[1]).toMatch(
      /^ {2}ops {6}http:\/\/127\.0\.0\.1:41001\/ {2}\(first visit: create the tenant's owner account\)$/,
    );
    expect(lines[2]).toBe("  initech  http://127.0.0.1:41002/");
    expect(lines.slice(3).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
      "tenantctl status --state-dir /tmp/state",
      "tenantctl logs <tenant> --state-dir /tmp/state",
      "tenantctl down --state-dir /tmp/state",
    ]);
  });
});
