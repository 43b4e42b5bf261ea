import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TenantctlError } from "../../src/diagnostics/diagnostic.js";
import { render } from "../../src/render/render.js";
import { toYamlStream } from "../../src/manifest/serialize.js";
import { OWNER_MARKER } from "../../src/manifest/directory.js";
import { writeRendered } from "../../src/render/write.js";
import { writeAclFile, writeRedisConfig } from "../../src/runtime/local/redis.js";
import { validSpec } from "../support/example.js";
import { readTree } from "../support/golden.js";
import { exampleWith } from "../support/spec-text.js";

const fresh = () => mkdtempSync(join(tmpdir(), "tenantctl-write-"));

describe("rendered output", () => {
  it("is byte-identical when rendered twice", () => {
    expect(toYamlStream(render(validSpec()))).toBe(toYamlStream(render(validSpec())));
  });

  it("writes a tree that is byte-identical on a second render", async () => {
    const out = join(fresh(), "rendered");
    await writeRendered(out, render(validSpec()));
    const first = readTree(out);
    await writeRendered(out, render(validSpec()));
    expect(readTree(out)).toEqual(first);
    expect(first.has(OWNER_MARKER)).toBe(true);
  });

  it("removes a removed tenant's directory on the next render", async () => {
    const out = join(fresh(), "rendered");
    await writeRendered(out, render(validSpec()));
    expect(existsSync(join(out, "tenants", "umbrella"))).toBe(true);
    const withoutUmbrella = exampleWith((doc) => {
      const tenants = doc.get("tenants") as { items: unknown[] };
      tenants.items = tenants.items.slice(0, 3);
    });
    await writeRendered(out, render(validSpec(withoutUmbrella)));
    expect(existsSync(join(out, "tenants", "umbrella"))).toBe(false);
    expect(readdirSync(join(out, "tenants")).sort()).toEqual(["globex", "initech", "ops"]);
  });

  it("fails when the directory holds files tenantctl did not write, and leaves them alone", async () => {
    const out = fresh();
    writeFileSync(join(out, "notes.md"), "mine");
    const error = await writeRendered(out, render(validSpec())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantctlError);
    expect((error as TenantctlError).code).toBe("render/output-not-owned");
    expect(readFileSync(join(out, "notes.md"), "utf8")).toBe("mine");
    expect(readdirSync(out)).toEqual(["notes.md"]);
  });

  it("writes into an existing empty directory", async () => {
    const out = join(fresh(), "empty");
    mkdirSync(out);
    const result = await writeRendered(out, render(validSpec()));
    expect(result.files).toBeGreaterThan(20);
  });

  it("leaves the previous output intact and no staging directory when writing fails", async () => {
    const parent = fresh();
    const out = join(parent, "rendered");
    await writeRendered(out, render(validSpec()));
    const before = readTree(out);
    const clash = render(validSpec()).map((o, i) =>
      i === 1 ? { ...o, file: `${render(validSpec())[0]?.file}/x.yaml` } : o,
    );
    await expect(writeRendered(out, clash)).rejects.toMatchObject({ code: "render/write-failed" });
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["rendered"]);
  });

  it("streams every object as one multi-document YAML", () => {
    const objects = render(validSpec());
    const stream = toYamlStream(objects);
    expect(stream.match(/^---$/gm)).toHaveLength(objects.length);
    expect(stream).toContain("# tenants/globex/platform/namespace-tenant-globex.yaml");
  });
});

describe("rendered output after a killed render or through a link", () => {
  it("removes what a killed render left beside the target (old enough, ours), and nothing else", async () => {
    const parent = fresh();
    const out = join(parent, "rendered");
    const stale = join(parent, ".rendered.tenantctl-new-m0abc1-0a1b2c3d");
    const recent = join(parent, ".rendered.tenantctl-new-m0abc2-0a1b2c3e");
    const foreign = join(parent, ".rendered.tenantctl-new-someone-elses");
    for (const dir of [stale, recent, foreign]) {
      mkdirSync(dir);
      writeFileSync(join(dir, OWNER_MARKER), "");
    }
    const old = new Date(Date.now() - 60 * 60 * 1000);
    utimesSync(stale, old, old);
    utimesSync(foreign, old, old);
    await writeRendered(out, render(validSpec()));
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
  });

  it("writes into the directory an --out link points to and keeps the link", async () => {
    const parent = fresh();
    const real = join(parent, "real");
    await writeRendered(real, render(validSpec()));
    const link = join(parent, "link");
    symlinkSync(real, link);
    await writeRendered(link, render(validSpec()));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(real)).toContain(OWNER_MARKER);
  });

  it("narrows an existing Redis config and ACL file to 0600 every time", () => {
    const dir = fresh();
    const config = join(dir, "redis.conf");
    const acl = join(dir, "users.acl");
    writeFileSync(config, "", { mode: 0o644 });
    writeFileSync(acl, "", { mode: 0o644 });
    writeRedisConfig(config, { port: 1, dir, password: "x" });
    writeAclFile(acl, [{ user: "u", prefix: "p", password: "x" }]);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(acl).mode & 0o777).toBe(0o600);
  });
});
