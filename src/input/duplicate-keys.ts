/**
 * Mapping keys that appear twice in one mapping, found in one pass with a set per mapping.
 * (The `yaml` package's own uniqueKeys check compares each key with every earlier one: a
 * mapping of 16,000 keys took seconds.) Aliases are not followed: their targets are checked
 * where they are written.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Node } from "yaml";

export function duplicateKeys(doc: Document): { key: string; offset: number }[] {
  const out: { key: string; offset: number }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) out.push({ key, offset: (pair.key as Node).range?.[0] ?? 0 });
          seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
