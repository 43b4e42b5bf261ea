import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { emitYaml } from "../../src/manifest/yaml-emitter.js";
import { exampleObjects } from "../support/example.js";

/** Reads YAML the way a YAML 1.1 reader (older tools, PyYAML, Go's yaml.v2) would. */
const parse11 = (text: string) => parseDocument(text, { version: "1.1" }).toJS();

describe("YAML emitter", () => {
  it("round-trips every rendered object of the example", () => {
    for (const { object } of exampleObjects()) {
      const text = emitYaml(object);
      expect(parse(text)).toEqual(object);
      expect(parse11(text)).toEqual(object);
    }
  });

  const tricky = [
    "",
    " ",
    "true",
    "False",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "null",
    "~",
    "16",
    "1.34",
    "-1",
    "+1",
    "1e3",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:30",
    ".inf",
    "-.inf",
    ".NaN",
    "2026-11-21",
    "a: b",
    "a #b",
    "#comment",
    "- item",
    "@at",
    "`tick",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "{a}",
    "[a]",
    "'q'",
    '"dq"',
    "|",
    ">",
    "tail ",
    "a:",
    "x?",
    "?x",
    ",",
    "é",
    "tab\there",
    "500m",
    "8Gi",
    "v1.34",
    "10.50.0.0/16",
    "app.kubernetes.io/managed-by",
    "https://git.example/p.git",
    "has: colon space",
    "=",
    "<<",
  ];

  it("keeps every tricky string a string, in YAML 1.2 and 1.1", () => {
    for (const value of tricky) {
      const object = { value, list: [value], [value || "empty"]: value };
      const text = emitYaml(object);
      expect(parse(text), text).toEqual(object);
      expect(parse11(text), text).toEqual(object);
    }
  });

  it("writes multi-line strings as literal blocks that read back exactly", () => {
    for (const value of ["a\nb", "a\nb\n", "a\n\nb\n\n", "expr: x\n  && y"]) {
      const object = { spec: { rules: [{ expression: value }] } };
      const text = emitYaml(object);
      expect(text).toContain("|");
      expect(parse(text)).toEqual(object);
    }
  });

  it("writes empty collections, numbers, booleans and null", () => {
    const object = { a: {}, b: [], c: 0, d: -1.5, e: true, f: null, g: [[1, 2], [], [{}]], h: [{ x: [] }] };
    expect(parse(emitYaml(object))).toEqual(object);
  });
});
