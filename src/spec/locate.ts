import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { PathSegment, SourceLocation } from "../diagnostics/diagnostic.js";

/**
 * Finds where a spec path stands in the YAML source. `key` asks for the position of a
 * mapping key (an unknown field) instead of its value. A path that is not in the document
 * (a missing field) resolves to the nearest enclosing node that is.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  text: string,
  path: readonly PathSegment[],
  key?: string,
): SourceLocation | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const segment of [...path, ...(key === undefined ? [] : [key])]) {
    const isLast = key !== undefined && segment === key;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      offset = isLast
        ? (rangeStart(pair.key) ?? offset)
        : (rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col, lineText: text.split(/\r?\n/)[line - 1] ?? "" };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
