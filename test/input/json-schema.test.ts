import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { platformJsonSchemaText } from "../../src/input/json-schema.js";
import { exampleSpecText } from "../support/spec-text.js";

describe("schema/platform.schema.json", () => {
  it("is the schema generated from the code (run `npm run schema` when this fails)", () => {
    const committed = readFileSync(new URL("../../schema/platform.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(platformJsonSchemaText());
  });

  it("is what the example points editors at", () => {
    expect(exampleSpecText().split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../schema/platform.schema.json",
    );
  });
});
