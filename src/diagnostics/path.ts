import type { PathSegment } from "./diagnostic.js";

/** `["tenants", 2, "database", "isolation"]` → `tenants[2].database.isolation`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(document)" : out;
}

/** Quotes a received value the way messages show it: strings in quotes, short JSON otherwise. */
export function quote(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function oneOf(values: readonly unknown[]): string {
  return values.map((v) => quote(v)).join(" | ");
}
