import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import type { PathSegment, SourceLocation } from "../diagnostics/diagnostic.js";
import { redactUrlCredentials } from "../lib/url-credentials.js";

/**
 * Source positions of one text: split into lines once, so placing 16,000 diagnostics costs
 * one pass, not one pass each.
 */
export class SourceText {
  private readonly lines: string[];

  constructor(
    readonly file: string,
    text: string,
    readonly lineCounter: LineCounter,
  ) {
    this.lines = text.split(/\r?\n/);
  }

  /** The location of a source offset, with its line's text (credentials in URLs masked). */
  at(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col, lineText: redactUrlCredentials(this.lines[line - 1] ?? "") };
  }
}

/**
 * Finds where spec paths stand in the YAML document; each mapping's keys are indexed on first
 * use, so a path costs its depth, not the size of the mappings on it.
 */
export class Locator {
  private readonly keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    private readonly doc: Document,
    private readonly source: SourceText,
  ) {}

  /**
   * `key` asks for the position of a mapping key (an unknown field) instead of its value. A
   * path that is not in the document (a missing field) resolves to the nearest enclosing node.
   */
  locate(path: readonly PathSegment[], key?: string): SourceLocation | undefined {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node);
    for (const segment of [...path, ...(key === undefined ? [] : [key])]) {
      const isLast = key !== undefined && segment === key;
      if (isMap(node)) {
        const pair = this.pairOf(node, String(segment));
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
    return offset === undefined ? undefined : this.source.at(offset);
  }

  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let index = this.keyIndex.get(map);
    if (index === undefined) {
      index = new Map();
      for (const p of map.items) {
        if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value)))
          index.set(String(p.key.value), p);
      }
      this.keyIndex.set(map, index);
    }
    return index.get(key);
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
