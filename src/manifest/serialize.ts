import type { KubernetesObject } from "./object.js";
import type { RenderedObject } from "./rendered.js";
import { emitYaml } from "./yaml-emitter.js";

/**
 * YAML text of rendered objects, byte-for-byte stable: keys sorted at every level, except
 * that an object starts with apiVersion, kind and metadata as people expect to read it.
 */
const HEAD = ["apiVersion", "kind", "metadata"];

export function toYaml(object: KubernetesObject): string {
  return emitYaml(canonical(object, true));
}

/** All objects as one multi-document stream (`render --out -`). */
export function toYamlStream(objects: readonly RenderedObject[]): string {
  return objects.map(({ file, object }) => `---\n# ${file}\n${toYaml(object)}`).join("");
}

function canonical(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort((a, b) => {
      const ha = top ? HEAD.indexOf(a) : -1;
      const hb = top ? HEAD.indexOf(b) : -1;
      if (ha >= 0 || hb >= 0) return (ha < 0 ? HEAD.length : ha) - (hb < 0 ? HEAD.length : hb);
      return a < b ? -1 : a > b ? 1 : 0;
    });
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = canonical(record[key]);
  return out;
}
