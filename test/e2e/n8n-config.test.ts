/**
 * Every variable the n8n environment builder sets is one the installed n8n reads: declared
 * in its configuration (`@n8n/config`, the task runner's config) or read from `process.env`
 * by its code; and the expression engine it names is one that version accepts. A variable
 * renamed or removed by an n8n release fails here, not silently in a tenant.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { N8N_SECRET } from "../../src/products/n8n/declaration.js";
import { buildN8nEnv, buildRunnerEnv } from "../../src/products/n8n/env.js";
import { expressionEngine } from "../../src/products/n8n/expressions.js";
import { kubernetesConnections } from "../../src/model/connections.js";
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
  for (const file of files(join(modules, "n8n", "dist"))) {
    for (const m of readFileSync(file, "utf8").matchAll(/process\.env(?:\.|\[')([A-Z0-9_]+)/g))
      names.add(m[1] ?? "");
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
  const version = PINNED.n8n;
  it(`sets only variables n8n ${version} reads, with an expression engine it accepts`, () => {
    const { names, engines } = readByN8n(version);
    expect(names.size, "the installed n8n's configuration was read").toBeGreaterThan(200);
    const tenant = exampleModel().tenants[0];
    if (tenant === undefined) throw new Error("no tenant");
    for (const role of ["main", "worker", "webhook"] as const) {
      const env = buildN8nEnv(role, {
        hostname: tenant.hostname,
        protocol: "https",
        listenPort: 5678,
        redisPrefix: tenant.redisPrefix,
        webhookProcessors: true,
        encryptionKey: { secret: N8N_SECRET.encryptionKey.name, key: N8N_SECRET.encryptionKey.key },
        runnerAuthToken: { secret: N8N_SECRET.runnerToken.name, key: N8N_SECRET.runnerToken.key },
        connections: kubernetesConnections(tenant),
        proxyHops: 1,
        expressions: expressionEngine(tenant.settings, role),
      });
      const runner = buildRunnerEnv({ runnerAuthToken: { secret: "x", key: "y" } });
      for (const { name } of [...env, ...runner]) expect(names.has(name), `${role}: ${name}`).toBe(true);
      const engine = env.find((v) => v.name === "N8N_EXPRESSION_ENGINE")?.from;
      expect(engines).toContain(engine !== undefined && "value" in engine ? engine.value : "");
    }
    expect(engines).toEqual(expect.arrayContaining(["vm", "legacy"]));
  });
});
