/**
 * Every variable the n8n environment builder sets is one the installed n8n reads: declared
 * in its configuration (`@n8n/config`, the task runner's config) or read from `process.env`
 * by its code; and the expression engine it names is one that version accepts. A variable
 * renamed or removed by an n8n release fails here, not silently in a tenant.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildN8nEnv, buildRunnerEnv } from "../../src/products/n8n/env.js";
import { clusterEnvInput } from "../../src/products/n8n/kubernetes/workloads.js";
import { localOnlyEnv } from "../../src/products/n8n/local.js";
import { cacheRoot } from "../../src/runtime/local/cache.js";
import { PINNED } from "../../src/versions.js";
import { exampleModel } from "../support/example.js";

function files(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files(path, out);
    else if (entry.endsWith(".js")) out.push(path);
  }
  return out;
}

/** The variables an installed n8n reads, and the engines its expression config accepts. */
function readByN8n(version: string): { names: Set<string>; engines: string[] } {
  const modules = join(cacheRoot(), "n8n", version, "node_modules");
  const names = new Set<string>();
  for (const file of [
    ...files(join(modules, "@n8n", "config", "dist")),
    ...files(join(modules, "@n8n", "task-runner", "dist")),
  ]) {
    for (const m of readFileSync(file, "utf8").matchAll(/Env\)\('([A-Z0-9_]+)'/g)) names.add(m[1] ?? "");
  }
  // The CLI's own (convict) schema, and what the code reads from process.env directly.
  for (const m of readFileSync(join(modules, "n8n", "dist", "config", "schema.js"), "utf8").matchAll(
    /env: '([A-Z0-9_]+)'/g,
  ))
    names.add(m[1] ?? "");
  for (const dir of ["n8n", "n8n-core", "@n8n/config", "@n8n/backend-common", "@n8n/task-runner"]) {
    for (const file of files(join(modules, dir, "dist"))) {
      for (const m of readFileSync(file, "utf8").matchAll(/process\.env(?:\.|\[')([A-Z0-9_]+)/g))
        names.add(m[1] ?? "");
    }
  }
  const engineConfig = readFileSync(
    join(modules, "@n8n", "config", "dist", "configs", "expression-engine.config.js"),
    "utf8",
  );
  const engines = [...(/enum\(\[([^\]]+)\]\)/.exec(engineConfig)?.[1] ?? "").matchAll(/'([a-z]+)'/g)].map(
    (m) => m[1] ?? "",
  );
  return { names, engines };
}

describe("the n8n environment against the installed n8n", () => {
  const tenant = exampleModel().tenants[0];
  if (tenant === undefined) throw new Error("no tenant");
  for (const version of PINNED.n8nSupported) {
    it(`sets only variables n8n ${version} reads, with an expression engine it accepts`, () => {
      const { names, engines } = readByN8n(version);
      expect(names.size, `n8n ${version}'s configuration was read (is it installed?)`).toBeGreaterThan(200);
      for (const role of ["main", "worker", "webhook"] as const) {
        // The tenant as it would be on this release: what the builder derives from the version too.
        const pinned = {
          ...tenant,
          settings: { ...tenant.settings, n8n: { ...tenant.settings.n8n, version } },
        };
        const env = buildN8nEnv(role, clusterEnvInput(pinned, role));
        const runner = buildRunnerEnv({ runnerAuthToken: { secret: "x", key: "y" } });
        const local = Object.keys(localOnlyEnv("/home")).map((name) => ({ name }));
        for (const { name } of [...env, ...runner, ...local])
          expect(names.has(name), `n8n ${version}, ${role}: ${name}`).toBe(true);
        const engine = env.find((v) => v.name === "N8N_EXPRESSION_ENGINE")?.from;
        expect(engines).toContain(engine !== undefined && "value" in engine ? engine.value : "");
      }
      expect(engines).toEqual(expect.arrayContaining(["vm", "legacy"]));
    });
  }

  it("fails for a variable no release reads: the check can fail", () => {
    for (const version of PINNED.n8nSupported)
      expect(readByN8n(version).names.has("N8N_RUNNERS_ENABLE")).toBe(false);
  });
});
