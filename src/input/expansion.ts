/**
 * How large a YAML document becomes once its aliases are expanded, computed on the document
 * model without expanding anything: a node's expanded size is computed once and reused
 * wherever an alias points at it. A 159 KB "billion laughs" spec would expand to hundreds of
 * megabytes; it is refused before it is built, at the position of its largest alias.
 */
import { type Document, isAlias, isMap, isPair, isSeq, type Node } from "yaml";

export const MAX_EXPANDED_NODES = 1_000_000;
export const MAX_NESTING = 200;

export type ExpansionProblem =
  | { readonly kind: "too-large"; readonly nodes: number; readonly offset: number }
  | { readonly kind: "too-deep"; readonly offset: number }
  | { readonly kind: "recursive-alias"; readonly offset: number }
  | { readonly kind: "unresolved-alias"; readonly offset: number; readonly alias: string };

export function checkExpansion(doc: Document): ExpansionProblem | undefined {
  const sizes = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  let largestAlias = { size: 0, offset: 0 };
  let problem: ExpansionProblem | undefined;

  const sizeOf = (node: unknown, depth: number): number => {
    if (problem !== undefined || node === null || node === undefined) return 0;
    const offset = (node as Node).range?.[0] ?? 0;
    if (depth > MAX_NESTING) {
      problem = { kind: "too-deep", offset };
      return 0;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) {
        problem = { kind: "unresolved-alias", offset, alias: node.source };
        return 0;
      }
      if (inProgress.has(target)) {
        problem = { kind: "recursive-alias", offset };
        return 0;
      }
      const size = sizes.get(target) ?? sizeOf(target, depth + 1);
      if (size > largestAlias.size) largestAlias = { size, offset };
      return size;
    }
    const known = sizes.get(node);
    if (known !== undefined) return known;
    inProgress.add(node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        size += isPair(item)
          ? sizeOf(item.key, depth + 1) + sizeOf(item.value, depth + 1)
          : sizeOf(item, depth + 1);
        // Saturate: sizes multiply through aliases and would overflow long before the end.
        if (size > MAX_EXPANDED_NODES) break;
      }
    }
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };
  const total = sizeOf(doc.contents, 0);
  if (problem !== undefined) return problem;
  if (total > MAX_EXPANDED_NODES) return { kind: "too-large", nodes: total, offset: largestAlias.offset };
  return undefined;
}
