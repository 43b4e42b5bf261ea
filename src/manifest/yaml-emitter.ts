/**
 * A small YAML emitter for rendered objects (plain data: maps, lists, strings, numbers,
 * booleans, null). It is many times faster than building a YAML document model, which
 * matters when a platform renders tens of thousands of objects, and it writes the same
 * layout as the `yaml` package (lists indented under their key). Strings are written plain
 * only when YAML 1.1 and 1.2 readers both read them back as the same string; anything
 * else is double-quoted JSON, which is valid YAML. A test round-trips every rendered object.
 */
export function emitYaml(value: unknown): string {
  if (isEmptyOrScalar(value)) return `${inline(value, 0)}\n`;
  return `${lines(value as object, 0).join("\n")}\n`;
}

function lines(value: object, indent: number): string[] {
  const pad = " ".repeat(indent);
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isEmptyOrScalar(item)) {
        out.push(`${pad}- ${inline(item, indent + 2)}`);
        continue;
      }
      const nested = lines(item as object, indent + 2);
      nested[0] = `${pad}- ${(nested[0] ?? "").slice(indent + 2)}`;
      out.push(...nested);
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === undefined) continue;
    if (isEmptyOrScalar(item)) out.push(`${pad}${scalar(key)}: ${inline(item, indent + 2)}`);
    else out.push(`${pad}${scalar(key)}:`, ...lines(item as object, indent + 2));
  }
  return out;
}

/** Whether a value is written on the line of its key or dash (not as nested lines). */
function isEmptyOrScalar(value: unknown): value is string | number | boolean | null | undefined {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && value !== null) {
    return Object.values(value).every((v) => v === undefined);
  }
  return true;
}

function inline(value: unknown, indent: number): string {
  if (Array.isArray(value)) return "[]";
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return "{}";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  const text = String(value);
  return text.includes("\n") && canBlock(text) ? block(text, indent) : scalar(text);
}

const KEYWORD = /^(?:true|false|yes|no|on|off|y|n|null|~|<<|=)$/i;
/** Anything a YAML 1.1 or 1.2 reader may take for a number, date or special float. */
const NUMERIC =
  /^[-+]?(?:[\d_]*\.?[\d_]+(?:e[-+]?\d+)?|0x[\da-f_]+|0o?[0-7_]+|0b[01_]+|[\d_]+(?::[0-5]?\d)+(?:\.\d*)?|\.(?:inf|nan))$/i;
const DATE = /^\d{4}-\d\d?-\d\d?/;
const PLAIN = /^[A-Za-z0-9_./$](?:[A-Za-z0-9_./@$+-]|:(?! )| (?![ #]))*$/;

const MAX_PLAIN_LENGTH = 1024;

/** A string as plain text when that is unambiguous, else double-quoted. */
function scalar(text: string): string {
  // Long strings are always quoted: the patterns below backtrack, and a 10 MB value must
  // neither take quadratic time nor overflow the regular-expression stack.
  if (text.length > MAX_PLAIN_LENGTH) return JSON.stringify(text);
  const plain =
    PLAIN.test(text) &&
    !text.endsWith(" ") &&
    !text.endsWith(":") &&
    !KEYWORD.test(text) &&
    !NUMERIC.test(text) &&
    !DATE.test(text);
  return plain ? text : JSON.stringify(text);
}

/** A multi-line string as a literal block, when it can be one without escapes. */
function canBlock(text: string): boolean {
  return !/^[ \n]/.test(text) && !/[^\x20-\x7e\n]/.test(text) && !/ $/m.test(text);
}

function block(text: string, indent: number): string {
  const trailing = /\n*$/.exec(text)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing > 0 ? text.slice(0, -1) : text;
  const pad = " ".repeat(indent);
  return `|${chomp}\n${body
    .split("\n")
    .map((line) => (line === "" ? "" : pad + line))
    .join("\n")}`;
}
