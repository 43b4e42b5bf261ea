import { parseDocument, stringify } from "yaml";

/**
 * A seeded generator of hostile platform specs: structural mutations of a valid spec
 * (deletions, renames, type swaps, huge and negative numbers, unicode, colliding tenant
 * names) and textual ones (aliases and alias bombs, duplicate keys, CRLF, BOM, deep nesting,
 * truncation, stray bytes). The same seed gives the same specs, so a failure reproduces.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WEIRD_VALUES: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  -2147483649,
  1e308,
  Number.MAX_SAFE_INTEGER,
  0.5,
  "",
  " ",
  "ü∂ßñ",
  "💥",
  "a".repeat(300),
  "tenant-ops",
  "a--b",
  "x-platform",
  "system:authenticated",
  "0.0.0.0/0",
  "fe80::1%eth0/64",
  "1.2.3.4/0",
  "https://u:p@h/x.git",
  "yes",
  "on",
  "012470",
  [],
  {},
  [null],
  { "": "" },
  ["a", "a"],
];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** Every (object or array, key) place in a value, for mutations to choose from. */
function places(value: Json, out: [Record<string, Json> | Json[], string | number][] = []) {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push([value, i]);
      places(v, out);
    });
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      out.push([value, k]);
      places(v, out);
    }
  return out;
}

function structural(r: () => number, spec: Json): void {
  const all = places(spec);
  const [parent, key] = pick(r, all);
  const kind = Math.floor(r() * 6);
  if (Array.isArray(parent)) {
    const i = key as number;
    if (kind === 0) parent.splice(i, 1);
    else if (kind === 1) parent.push(structuredClone(parent[i] ?? null));
    else parent[i] = pick(r, WEIRD_VALUES);
    return;
  }
  const k = key as string;
  if (kind === 0) Reflect.deleteProperty(parent, k);
  else if (kind === 1) {
    parent[`${k}${pick(r, ["x", "s", "_", "É"])}`] = parent[k] ?? null;
    Reflect.deleteProperty(parent, k);
  } else if (kind === 2 && typeof parent[k] === "number") parent[k] = pick(r, [-1, 0, 1e9, 2 ** 53, -0.5]);
  else parent[k] = structuredClone(pick(r, WEIRD_VALUES));
}

/** Tenants whose derived names meet (a-b / a--b, x / x-platform, case, long names). */
function collidingTenants(r: () => number, spec: Record<string, Json>): void {
  if (!Array.isArray(spec.tenants)) spec.tenants = [];
  const tenants = spec.tenants as Json[];
  const base = pick(r, ["a-b", "x", "ops", "q".repeat(56)]);
  const twin = pick(r, ["a--b", "x-platform", "ops", `${"q".repeat(55)}z`, "OPS"]);
  tenants.push(
    { name: base, zone: "internal" },
    { name: twin, zone: "internal", database: { isolation: "database" } },
  );
}

function textual(r: () => number, text: string): string {
  const lines = text.split("\n");
  switch (Math.floor(r() * 9)) {
    case 0:
      return text.replaceAll("\n", "\r\n");
    case 1:
      return `\uFEFF${text}`;
    case 2: {
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    }
    case 3: {
      const depth = 50 + Math.floor(r() * 5000);
      return `${text}\nextra: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
    }
    case 4: {
      let bomb = `${text}\nx0: &a0 [${Array(9).fill('"lol"').join(",")}]\n`;
      for (let i = 1; i < 10; i++)
        bomb += `x${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(",")}]\n`;
      return bomb;
    }
    case 5:
      return text.slice(0, Math.floor(r() * text.length));
    case 6: {
      const at = Math.floor(r() * text.length);
      return (
        text.slice(0, at) +
        pick(r, ["\t", ":", "- ", "{", "]", "&x", "*y", "!!binary", "\u0000", "'", '"', "\\"]) +
        text.slice(at)
      );
    }
    case 7:
      return text.replace("tenants:", "base: &t {zone: internal}\ntenants:\n  - {<<: *t, name: merged}");
    default:
      return `${text}\n${"k".repeat(1 + Math.floor(r() * 100))}: ${"v".repeat(Math.floor(r() * 10_000))}\n`;
  }
}

/** The n-th spec of a seed: one to three mutations of the base, structural or textual. */
export function fuzzedSpec(base: string, seed: number): string {
  const r = rng(seed);
  const spec = parseDocument(base).toJS() as Record<string, Json>;
  const steps = 1 + Math.floor(r() * 3);
  let text: string | undefined;
  for (let s = 0; s < steps; s++) {
    const choice = r();
    if (choice < 0.55) structural(r, spec);
    else if (choice < 0.65) collidingTenants(r, spec);
    else text = textual(r, text ?? stringify(spec, { aliasDuplicateObjects: r() < 0.5 }));
  }
  return text ?? stringify(spec, { aliasDuplicateObjects: r() < 0.5 });
}
