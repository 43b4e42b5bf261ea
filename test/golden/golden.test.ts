import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics/format.js";
import { render } from "../../src/render/render.js";
import { toYaml } from "../../src/manifest/serialize.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { exampleSpecText } from "../support/spec-text.js";
import { readGolden, readTree, updating, writeTree } from "../support/golden.js";

const here = fileURLToPath(new URL(".", import.meta.url));

function renderedTree(text: string): Map<string, string> {
  const result = validateSpecText(text, "platform.yaml");
  if (!result.spec) throw new Error(formatDiagnostics(result.diagnostics));
  const files = new Map<string, string>();
  for (const { file, object } of render(result.spec)) files.set(file, toYaml(object));
  return files;
}

const validCases: [string, () => string][] = [
  ["example", exampleSpecText],
  ["shared-services", () => readGolden(join(here, "shared-services", "platform.yaml")) ?? ""],
  ["products", () => readGolden(join(here, "..", "..", "examples", "products.yaml")) ?? ""],
  ["clusters", () => readGolden(join(here, "..", "..", "examples", "clusters.yaml")) ?? ""],
  ["upgrade", () => readGolden(join(here, "upgrade", "platform.yaml")) ?? ""],
  ["restore", () => readGolden(join(here, "restore", "platform.yaml")) ?? ""],
  ["hibernation", () => readGolden(join(here, "hibernation", "platform.yaml")) ?? ""],
];

describe("golden: valid platforms", () => {
  for (const [name, text] of validCases) {
    it(`renders exactly the reviewed tree for ${name}`, () => {
      // GIVEN the platform WHEN it is rendered
      const actual = renderedTree(text());
      const root = join(here, name, "expected");
      if (updating) writeTree(root, actual);
      // THEN every file matches the golden tree byte for byte, and no file is missing or extra
      const expected = readTree(root);
      expect([...actual.keys()]).toEqual([...expected.keys()]);
      for (const [file, content] of actual) expect(content, file).toBe(expected.get(file));
    });
  }
});

describe("golden: invalid specs", () => {
  const root = join(here, "invalid");
  const cases = readdirSync(root).sort();

  it("has cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of cases) {
    it(`fails when the spec is ${name.replaceAll("-", " ")}`, () => {
      const text = readGolden(join(root, name, "platform.yaml")) ?? "";
      // WHEN the spec is validated
      const result = validateSpecText(text, "platform.yaml");
      const actual = `${formatDiagnostics(result.diagnostics)}\n`;
      const file = join(root, name, "expected.txt");
      if (updating) writeFileSync(file, actual);
      // THEN it is rejected, and the error text is the reviewed one
      expect(result.spec).toBeUndefined();
      expect(actual).toBe(readGolden(file));
    });
  }
});
