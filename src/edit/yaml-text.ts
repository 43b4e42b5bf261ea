/**
 * Edits of platform.yaml as text: each edit is one splice of the source, found through the
 * parsed document's source ranges, so every byte outside the changed value stays as it was
 * (comments, order, quoting, blank lines, anchors). Missing maps on the way to a value are
 * written in the style of their parent: block lines under a block map, `{ … }` in a flow map.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse as parseYaml,
  parseDocument,
  Scalar,
  YAMLMap,
} from "yaml";

export type EditPath = readonly (string | number)[];

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Thrown for an edit the document's shape does not allow; commands turn it into a diagnostic. */
export class EditRefused extends Error {}

function parse(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: false });
  if (doc.errors.length > 0)
    throw new EditRefused(`the file is not valid YAML (${doc.errors[0]?.message ?? ""})`);
  return { doc, lineCounter };
}

/** A splice; new lines end as the file's lines do (CRLF in a CRLF file). */
function splice(text: string, s: Splice): string {
  const inserted = text.includes("\r\n") ? s.text.replace(/\r?\n/g, "\r\n") : s.text;
  return text.slice(0, s.start) + inserted + text.slice(s.end);
}

/**
 * The node at a path, or undefined. An alias on the way or at the end is refused: it stands
 * for its anchor's value everywhere it is used, and editing through it would change them all.
 */
function walk(root: Node | null | undefined, path: EditPath): Node | undefined {
  let node = root ?? undefined;
  for (let depth = 0; node !== undefined; depth++) {
    if (isAlias(node))
      throw new EditRefused(
        `${path.slice(0, depth).join(".")} is an alias (*${node.source}): an edit there would change every place that uses the anchor`,
      );
    if (depth === path.length) return node;
    const key = path[depth] as string | number;
    if (isMap(node)) node = (node.get(key, true) as Node | undefined) ?? undefined;
    else if (isSeq(node) && typeof key === "number")
      node = (node.get(key, true) as Node | undefined) ?? undefined;
    else return undefined;
  }
  return undefined;
}

/**
 * A scalar's text in the style of the one it replaces: quoted stays quoted. Plain only for
 * text that reads back as the same string in any context, a flow map's included: letters,
 * digits and `._/@+=-` (colons inside, as in image references); anything else (`, ` `# `
 * `: ` `{` `[` or a word YAML reads as a number, boolean or null) is double-quoted, so a
 * value can never add a key or end a collection.
 */
export function scalarText(value: string, like?: Scalar): string {
  if (like?.type === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  if (like?.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  // A date stays quoted too: YAML 1.1 readers take 2027-03-01 for a timestamp.
  return SAFE_PLAIN.test(value) && parseYaml(value) === value && !/^\d{4}-\d\d?-\d\d?/.test(value)
    ? value
    : JSON.stringify(value);
}

const SAFE_PLAIN = /^[A-Za-z0-9_./@+=-]([A-Za-z0-9_./@+=:-]*[A-Za-z0-9_./@+=-])?$/;

/**
 * Sets a string at a path. An existing scalar is replaced in place (its quoting kept); missing
 * maps are created under the deepest map that exists.
 */
export function setScalar(text: string, path: EditPath, value: string | number | boolean): string {
  const { doc, lineCounter } = parse(text);
  const existing = walk(doc.contents as Node | null, path);
  // A number or a boolean is written as one (its text reads back as that value in any context).
  const written = (like?: Scalar) =>
    typeof value === "number"
      ? String(Math.trunc(value))
      : typeof value === "boolean"
        ? String(value)
        : scalarText(value, like);
  if (existing !== undefined) {
    if (!isScalar(existing) || existing.range === undefined || existing.range === null)
      throw new EditRefused(`${path.join(".")} is not a single value`);
    if (existing.value === value) return text;
    const [start, end] = existing.range;
    return splice(text, { start, end, text: written(existing) });
  }
  // The deepest map on the path that exists, and the keys missing below it.
  let depth = path.length - 1;
  let parent = walk(doc.contents as Node | null, path.slice(0, depth));
  while (parent === undefined && depth > 0)
    parent = walk(doc.contents as Node | null, path.slice(0, --depth));
  if (!isMap(parent))
    throw new EditRefused(`${path.slice(0, depth).join(".") || "the document"} is not a map`);
  return splice(text, insertIntoMap(text, lineCounter, parent, path.slice(depth), written()));
}

/** Replaces the node at a path with a value written out as YAML (for a list that becomes a map). */
export function replaceNode(text: string, path: EditPath, value: unknown): string {
  const { doc, lineCounter } = parse(text);
  const node = walk(doc.contents as Node | null, path);
  if (node?.range === undefined || node.range === null)
    throw new EditRefused(`${path.join(".")} does not exist`);
  const [start, end] = node.range;
  const flow = isMap(node) || isSeq(node) ? (node as YAMLMap).flow === true : true;
  if (flow) return splice(text, { start, end, text: flowText(value) });
  // A block collection: the new one as block lines at the same indentation.
  const indent = lineCounter.linePos(start).col - 1;
  const lines = blockLines(value, indent);
  const body = lines.join("\n").slice(indent);
  const endOfValue = endOfLine(text, end);
  return splice(text, { start, end: endOfValue, text: body });
}

/** Appends an item (a map) to a sequence: a block entry like the first one, or a flow item. */
export function appendToSequence(text: string, path: EditPath, item: Record<string, unknown>): string {
  const { doc, lineCounter } = parse(text);
  const seq = walk(doc.contents as Node | null, path);
  if (!isSeq(seq) || seq.range === undefined || seq.range === null)
    throw new EditRefused(`${path.join(".")} is not a list`);
  if (seq.items.length === 0) return replaceEmpty(text, seq as unknown as Node, item);
  if (seq.flow === true) {
    // `[a, b]` gains `, { … }` after its last item: the items before it stay as written.
    const end = ((seq.items[seq.items.length - 1] as Node).range as [number, number, number])[1];
    return splice(text, { start: end, end, text: `, ${flowText(item)}` });
  }
  const first = seq.items[0] as Node;
  const last = seq.items[seq.items.length - 1] as Node;
  const itemColumn = lineCounter.linePos((first.range as [number, number, number])[0]).col - 1;
  const at = endOfLine(text, (last.range as [number, number, number])[1]);
  return splice(text, { start: at, end: at, text: `\n${blockEntry(item, itemColumn).join("\n")}` });
}

/** Removes an item of a block sequence with its lines (the comments above it stay: they may speak of more). */
export function removeFromSequence(text: string, path: EditPath, index: number): string {
  const { doc } = parse(text);
  const seq = walk(doc.contents as Node | null, path);
  if (!isSeq(seq)) throw new EditRefused(`${path.join(".")} is not a list`);
  const item = seq.items[index] as Node | undefined;
  if (item?.range === undefined || item.range === null)
    throw new EditRefused(`${path.join(".")}[${index}] does not exist`);
  if (seq.flow === true) {
    // The item's text and the separator after it (before it, for the last): the others stay as written.
    const ranges = seq.items.map((i) => (i as Node).range as [number, number, number]);
    const next = ranges[index + 1];
    const previous = ranges[index - 1];
    const [start, end] =
      next !== undefined
        ? [item.range[0], next[0]]
        : previous !== undefined
          ? [previous[1], item.range[1]]
          : [item.range[0], item.range[1]];
    return splice(text, { start, end, text: "" });
  }
  const start = text.lastIndexOf("\n", item.range[0]) + 1;
  const newline = text.indexOf("\n", endOfLine(text, item.range[1]));
  const removed = splice(text, { start, end: newline < 0 ? text.length : newline + 1, text: "" });
  // The last item: the key keeps an empty list (nothing after it would read as null).
  if (seq.items.length > 1) return removed;
  const ends = [...text.slice(0, start).matchAll(/:[ \t]*(#[^\n]*)?\n/g)];
  const key = ends.at(-1)?.index;
  return key === undefined ? removed : splice(removed, { start: key + 1, end: key + 1, text: " []" });
}

/**
 * Removes a key with its single value from a map: its lines in a block map, its entry (and one
 * separator) in a flow map. The last key of a map is refused: the map would be left empty.
 */
export function removeKey(text: string, path: EditPath): string {
  const { doc } = parse(text);
  const map = walk(doc.contents as Node | null, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!isMap(map)) return text;
  const index = map.items.findIndex((p) => isScalar(p.key) && p.key.value === key);
  if (index < 0) return text;
  if (map.items.length === 1) throw new EditRefused(`${path.join(".")} is the only key of its map`);
  const range = (i: number): [number, number] => {
    const pair = map.items[i];
    const value = (pair?.value ?? pair?.key) as Node | undefined;
    return [
      ((pair?.key as Node).range as [number, number, number])[0],
      (value?.range as [number, number, number])[1],
    ];
  };
  const [start, end] = range(index);
  if (map.flow === true) {
    const next = index + 1 < map.items.length ? range(index + 1) : undefined;
    const previous = index > 0 ? range(index - 1) : undefined;
    const [from, to] = next !== undefined ? [start, next[0]] : [(previous as [number, number])[1], end];
    return splice(text, { start: from, end: to, text: "" });
  }
  const lineStart = text.lastIndexOf("\n", start) + 1;
  const newline = text.indexOf("\n", endOfLine(text, end));
  return splice(text, { start: lineStart, end: newline < 0 ? text.length : newline + 1, text: "" });
}

/** A list item as block lines, its content at `itemColumn` and its dash two columns before. */
function blockEntry(item: unknown, itemColumn: number): string[] {
  const body = blockLines(item, itemColumn);
  return [`${" ".repeat(itemColumn - 2)}- ${(body[0] ?? "").slice(itemColumn)}`, ...body.slice(1)];
}

/** An empty list (`[]`) written out again as a block list of one item, under the key that holds it. */
function replaceEmpty(text: string, node: Node, item: unknown): string {
  const [start, end] = node.range as [number, number, number];
  const lineStart = text.lastIndexOf("\n", start) + 1;
  const lines = blockEntry(item, text.slice(lineStart).search(/\S/) + 4);
  // `tenants: []` becomes `tenants:` and the items below it, without a space left behind.
  let from = start;
  while (text[from - 1] === " ") from--;
  return splice(text, { start: from, end, text: `\n${lines.join("\n")}` });
}

/** Where the line holding `position` ends: its line break's index (of the \r in CRLF), or the text's end. */
function endOfLine(text: string, position: number): number {
  let at = text[position - 1] === "\n" ? position - 1 : text.indexOf("\n", position);
  if (at < 0) return text.length;
  if (text[at - 1] === "\r") at--;
  return at;
}

/** A missing key path with its value, inserted as the last entry of an existing map. */
function insertIntoMap(
  text: string,
  lineCounter: LineCounter,
  map: YAMLMap,
  keys: EditPath,
  valueText: string,
): Splice {
  const range = (map as unknown as Node).range as [number, number, number];
  if (map.flow === true) {
    const close = text.lastIndexOf("}", range[1]);
    const entry = `${keys.map(String).join(": { ")}: ${valueText}${" }".repeat(keys.length - 1)}`;
    const last = map.items[map.items.length - 1];
    const lastEnd = ((last?.value ?? last?.key) as Node | undefined)?.range?.[1];
    return lastEnd === undefined
      ? { start: range[0], end: close + 1, text: `{ ${entry} }` }
      : { start: lastEnd, end: lastEnd, text: `, ${entry}` };
  }
  const firstKey = map.items[0]?.key as Node | undefined;
  if (firstKey?.range === undefined || firstKey.range === null) throw new EditRefused("an empty block map");
  const indent = lineCounter.linePos(firstKey.range[0]).col - 1;
  const lines = keys.map((key, depth) =>
    depth === keys.length - 1
      ? `${" ".repeat(indent + 2 * depth)}${key}: ${valueText}`
      : `${" ".repeat(indent + 2 * depth)}${key}:`,
  );
  const at = endOfLine(text, range[1]);
  return { start: at, end: at, text: `\n${lines.join("\n")}` };
}

/** A value as block YAML lines at an indentation (maps as `key: value` lines, scalars plain or quoted). */
function blockLines(value: unknown, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (typeof value !== "object" || value === null) return [`${pad}${scalarText(String(value))}`];
  if (Array.isArray(value)) return [`${pad}${flowText(value)}`];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) {
      out.push(`${pad}${key}:`, ...blockLines(v, indent + 2));
    } else {
      out.push(`${pad}${key}: ${typeof v === "object" && v !== null ? flowText(v) : scalarText(String(v))}`);
    }
  }
  return out;
}

/** A value as flow YAML on one line: `{ a: 1, b: [x, y] }`. */
export function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k}: ${flowText(v)}`).join(", ")} }`;
  }
  return scalarText(String(value));
}
