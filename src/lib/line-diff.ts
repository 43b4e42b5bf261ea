/**
 * A line diff for showing what changes in an object: longest common subsequence, then hunks
 * with `context` unchanged lines around each change (`-` removed, `+` added, ` ` kept).
 */
export function lineDiff(before: readonly string[], after: readonly string[], context = 3): string[] {
  // The lines both share at the start and at the end are kept as they are: the table below
  // is quadratic, and most changes (an edit of a spec, a changed object) are local.
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  const ops: [" " | "-" | "+", string][] = before.slice(0, head).map((line) => [" ", line]);
  ops.push(...changedLines(before.slice(head, before.length - tail), after.slice(head, after.length - tail)));
  ops.push(...before.slice(before.length - tail).map((line): [" ", string] => [" ", line]));
  return hunks(ops, context);
}

/** The longest common subsequence of two line lists, as kept, removed and added lines. */
function changedLines(before: readonly string[], after: readonly string[]): [" " | "-" | "+", string][] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] = before[i] === after[j] ? (below[j + 1] ?? 0) + 1 : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const ops: [" " | "-" | "+", string][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push([" ", before[i++] as string]);
      j++;
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) > (lcs[i + 1]?.[j] ?? 0))) {
      ops.push(["+", after[j++] as string]);
    } else {
      ops.push(["-", before[i++] as string]);
    }
  }
  return ops;
}

/** The changed lines with `context` kept lines around each, the rest as "  ...". */
function hunks(ops: readonly [" " | "-" | "+", string][], context: number): string[] {
  const keep = ops.map((_, k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some(([op]) => op !== " "),
  );
  const out: string[] = [];
  ops.forEach(([op, line], k) => {
    if (!keep[k]) {
      if (out[out.length - 1] !== "  ...") out.push("  ...");
      return;
    }
    out.push(`${op} ${line}`);
  });
  return out;
}
