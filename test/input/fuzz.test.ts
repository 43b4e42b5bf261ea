import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { verify } from "../../src/verify/engine.js";
import { fuzzedSpec } from "../support/spec-fuzzer.js";

/**
 * 1,000 seeded hostile specs through the whole pipeline (validate; when valid, resolve,
 * render and verify). None may throw (the CLI's exit 70), none may take over 2 s, and every
 * diagnostic must carry a line and column. A failure names its seed: fuzzedSpec(base, seed)
 * rebuilds the exact input.
 */
const base = readFileSync(fileURLToPath(new URL("../../examples/platform.yaml", import.meta.url)), "utf8");
const SPECS = 1000;

describe("fuzz: hostile specs", () => {
  it(`handles ${SPECS} mutated specs without a crash, a hang or an unplaced error`, () => {
    const problems: string[] = [];
    let valid = 0;
    let slowest = 0;
    for (let seed = 1; seed <= SPECS; seed++) {
      const text = fuzzedSpec(base, seed);
      const started = performance.now();
      try {
        const result = validateSpecText(text, "fuzz.yaml");
        for (const d of result.diagnostics) {
          if (d.location === undefined || d.location.line < 1 || d.location.column < 1)
            problems.push(`seed ${seed}: ${d.code} has no line:column (${d.message.slice(0, 120)})`);
        }
        if (result.spec !== undefined) {
          valid += 1;
          const model = resolve(result.spec);
          const objects = renderModel(model);
          verify({ model, objects });
        }
      } catch (error) {
        problems.push(`seed ${seed}: threw ${(error as Error).stack?.split("\n").slice(0, 3).join(" | ")}`);
      }
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      if (ms > 2000) problems.push(`seed ${seed}: took ${Math.round(ms)} ms`);
    }
    expect(problems).toEqual([]);
    // The corpus must exercise both sides: mostly refused, some still valid and rendered.
    expect(valid).toBeGreaterThan(50);
    expect(valid).toBeLessThan(SPECS - 100);
    expect(slowest).toBeLessThan(2000);
  }, 120_000);
});
