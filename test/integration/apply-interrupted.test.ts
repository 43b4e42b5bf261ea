import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";
import { sidePlatformText } from "../support/spec-text.js";

/**
 * An apply killed halfway (the process gone, no clean-up) and run again: tenants complete one
 * after another, so the first tenants are whole when it dies; the re-run sends only what the
 * killed one did not apply. A platform of its own (twelve tenants), on the example's cluster.
 */
const TENANTS = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, "0")}`);
const SPEC_TEXT = sidePlatformText("killdemo", "kd", TENANTS);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const kubeconfig = inject("kubeconfig");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
const workdir = mkdtempSync(join(tmpdir(), "tenantctl-killed-"));
const specFile = join(workdir, "platform.yaml");
writeFileSync(specFile, SPEC_TEXT);
afterAll(() => admin.close());

/** Runs `tenantctl apply` and kills it (SIGKILL) as soon as it reports its first complete tenant. */
function applyKilledAfterFirstTenant(): Promise<{ first: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [
      join(repo, "bin", "tenantctl.js"),
      "apply",
      specFile,
      "--kubeconfig",
      kubeconfig,
    ]);
    let stderr = "";
    let first: string | undefined;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /^ {2}(k\d\d): \d+ objects done/m.exec(stderr);
      if (first === undefined && match?.[1] !== undefined) {
        first = match[1];
        child.kill("SIGKILL");
      }
    });
    child.on("error", fail);
    child.on("exit", () =>
      first === undefined ? fail(new Error(`no tenant completed:\n${stderr}`)) : done({ first, stderr }),
    );
  });
}

describe("apply killed halfway", () => {
  it("completes on the next run, sending only what the killed run did not apply", async () => {
    const killed = await applyKilledAfterFirstTenant();
    // THEN it died with tenants still to do (they complete one after another, not all at the end)
    expect(killed.stderr.match(/^ {2}k\d\d: \d+ objects done/gm)?.length ?? 0).toBeLessThan(TENANTS.length);

    const spec = validSpec(SPEC_TEXT);
    const rerun = await applyPlatform(admin, resolve(spec), render(spec));
    expect(rerun.results.filter((r) => r.outcome === "failed" || r.outcome === "refused")).toEqual([]);
    expect(rerun.incomplete).toBe(false);
    const byTenant = (tenant: string) => rerun.results.filter((r) => r.tenant === tenant);
    // THEN the tenant that was complete is not sent again, and what was missing is created now
    expect(byTenant(killed.first).every((r) => r.outcome === "unchanged")).toBe(true);
    expect(rerun.results.filter((r) => r.outcome === "created").length).toBeGreaterThan(0);
    // THEN a third run has nothing left to do
    const third = await applyPlatform(admin, resolve(spec), render(spec));
    expect(third.results.filter((r) => r.outcome !== "unchanged")).toEqual([]);
  });
});
