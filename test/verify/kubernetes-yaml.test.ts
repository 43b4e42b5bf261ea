import { describe, expect, it } from "vitest";
import {
  goYamlNumber,
  loadKubernetesYaml,
  UnsupportedYamlValue,
} from "../../src/verify/source/kubernetes-yaml.js";
import { decodeLikeArgoCd } from "../support/yaml-oracle.js";

/**
 * verify's YAML reader against the real thing: every case is decoded by apimachinery's
 * YAMLOrJSONDecoder (sigs.k8s.io/yaml, go-yaml v2), built from the Go module proxy, and by
 * tenantctl; the two answers must be equal.
 */
const SCALARS = [
  "012470",
  "0x1F",
  "0X1f",
  "0o17",
  "0b101",
  "-0b101",
  "+12",
  "-0",
  "08",
  "09.5",
  "1_000",
  "0_12",
  "1e3",
  "1E-2",
  "+.5",
  ".5",
  "1.",
  "99999999999999999999",
  "18446744073709551615",
  "9223372036854775808",
  "0xFFFFFFFFFFFFFFFFFF",
  "1:20",
  "190:20:30",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "on",
  "On",
  "ON",
  "off",
  "OFF",
  "true",
  "True",
  "TRUE",
  "tRUE",
  "false",
  "~",
  "null",
  "Null",
  "NULL",
  "",
  "0",
  "00",
  "-012",
  "12e",
  "0x",
  "_1",
  "1__2",
  "'012'",
  '"on"',
  "0.1_5",
];

describe("Kubernetes YAML semantics (sigs.k8s.io/yaml, YAML 1.1)", () => {
  it("resolves every corner-case scalar as apimachinery does", () => {
    const text = SCALARS.map((s, i) => `k${i}: ${s}`).join("\n");
    const ours = loadKubernetesYaml(text);
    expect(ours).toEqual(decodeLikeArgoCd(text));
  });

  it("resolves scalars used as keys, merge keys, duplicate keys and lists as apimachinery does", () => {
    const text = [
      "base: &base {port: 012470, protocol: TCP}",
      "merged: {<<: *base, protocol: UDP}",
      "multi:",
      "  <<: [*base, {extra: on}]",
      "on: 1",
      "y: 2",
      "5432: port",
      "dup: first",
      "dup: second",
      "list: [yes, no, 0o10]",
      "block: |",
      "  012470",
      "---",
      "",
      "---",
      "kind: List",
      "items: [{a: off}]",
    ].join("\n");
    expect(loadKubernetesYaml(text).filter((d) => d !== null)).toEqual(decodeLikeArgoCd(text));
  });

  it("fails, as apimachinery does, on values with no JSON form (.inf, .nan)", () => {
    for (const value of ["-.inf", ".Inf", ".nan"]) {
      expect(decodeLikeArgoCd(`k: ${value}`)).toEqual({
        error: expect.stringContaining("unsupported value"),
      });
      expect(() => loadKubernetesYaml(`k: ${value}`)).toThrow(UnsupportedYamlValue);
    }
  });

  it("reads a port written 012470 as 5432 and the label value on as a boolean", () => {
    expect(goYamlNumber("012470")).toBe(5432);
    expect(loadKubernetesYaml("app: on")).toEqual([{ app: true }]);
  });
});
