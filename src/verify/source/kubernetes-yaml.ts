/**
 * YAML read the way Kubernetes tooling reads it. Argo CD (and kubectl) decode manifests with
 * sigs.k8s.io/yaml, which resolves plain scalars by go-yaml v2's YAML 1.1 rules, not by
 * YAML 1.2's core schema:
 * - booleans are y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE and their negatives, so an
 *   unquoted label value `on` is a boolean (which the API server then refuses);
 * - integers go through Go's strconv.ParseInt with base 0 after dropping every `_`:
 *   `012470` is octal (5432), `0x1F` hex, `0b101` binary, `0o17` octal;
 * - what is not an integer but matches YAML's float pattern is a float (`08` is 8);
 * - timestamps stay strings (go-yaml v2 keeps them as text for untyped targets);
 * - merge keys `<<` merge; a duplicate key keeps the last value.
 * The corner cases are checked side by side against sigs.k8s.io/yaml itself in the tests.
 */
import { FAILSAFE_SCHEMA, loadAll, Type } from "js-yaml";

const BOOLEANS: Readonly<Record<string, boolean>> = Object.fromEntries([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((s) => [s, true]),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map((s) => [s, false]),
]);
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  ".nan": Number.NaN,
  ".NaN": Number.NaN,
  ".NAN": Number.NaN,
  ...Object.fromEntries(
    [".inf", ".Inf", ".INF"].flatMap((s) => [
      [s, Number.POSITIVE_INFINITY],
      [`+${s}`, Number.POSITIVE_INFINITY],
      [`-${s}`, Number.NEGATIVE_INFINITY],
    ]),
  ),
};
/** go-yaml v2's yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseInt(s, 0, 64) accepts (after go-yaml removed every `_`). */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A number as go-yaml v2 resolves a plain scalar starting with a digit, sign or dot; undefined: a string. */
export function goYamlNumber(text: string): number | undefined {
  if (text === "") return undefined;
  const first = text[0] as string;
  if (first === ".") {
    // go-yaml: strconv.ParseFloat on the text as it is (underscores are not removed here).
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : undefined;
  }
  if (!/[-+0-9]/.test(first)) return undefined;
  const plain = text.replaceAll("_", "");
  if (GO_INT.test(plain)) {
    const value = parseGoInt(plain);
    if (value >= -INT64_MAX - 1n && value <= UINT64_MAX) return Number(value);
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    if (Number.isFinite(value)) return value;
  }
  if (plain.startsWith("-0b") && /^-0b[01]+$/.test(plain)) return -Number(BigInt(plain.slice(1)));
  return undefined;
}

function parseGoInt(plain: string): bigint {
  const negative = plain.startsWith("-");
  const digits = plain.replace(/^[-+]/, "");
  let value: bigint;
  if (/^0[xXoObB]/.test(digits)) value = BigInt(`0${digits[1]?.toLowerCase() ?? ""}${digits.slice(2)}`);
  else if (digits.length > 1 && digits.startsWith("0")) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  return negative ? -value : value;
}

const goNull = new Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (data: string) => NULLS.has(data),
  construct: () => null,
});
const goBool = new Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (data: string) => Object.hasOwn(BOOLEANS, data),
  construct: (data: string) => BOOLEANS[data],
});
/** A value sigs.k8s.io/yaml cannot turn into JSON: the whole file fails to decode in Argo CD. */
export class UnsupportedYamlValue extends Error {}

const goNumber = new Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (data: string) => Object.hasOwn(SPECIAL_FLOATS, data) || goYamlNumber(data) !== undefined,
  construct: (data: string) => {
    if (Object.hasOwn(SPECIAL_FLOATS, data)) {
      throw new UnsupportedYamlValue(
        `the value ${data} has no JSON form: Argo CD fails to decode this file ("json: unsupported value"); quote it if it is meant as text`,
      );
    }
    return goYamlNumber(data);
  },
});

/** `<<` as a merge key (js-yaml merges a key of this tag, as go-yaml v2 does). */
const goMerge = new Type("tag:yaml.org,2002:merge", {
  kind: "scalar",
  resolve: (data: string | null) => data === "<<",
});

export const KUBERNETES_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [goNull, goBool, goNumber, goMerge],
});

/** Every document of a YAML stream, as sigs.k8s.io/yaml decodes it. Throws on invalid YAML. */
export function loadKubernetesYaml(text: string): unknown[] {
  // json: true makes a duplicate key keep its last value, as go-yaml v2 does.
  return loadAll(text, undefined, { schema: KUBERNETES_YAML_SCHEMA, json: true });
}
