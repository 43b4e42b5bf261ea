/**
 * Sorted, disjoint, inclusive integer ranges: the one representation behind port sets
 * (numbers) and address sets (bigints). `next` is the successor, so that [1,2] and [3,4] merge.
 */
export type Range<T extends number | bigint> = readonly [T, T];

export function mergeRanges<T extends number | bigint>(
  ranges: readonly Range<T>[],
  next: (v: T) => T,
): Range<T>[] {
  const sorted = [...ranges].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [T, T][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= next(last[1])) last[1] = hi > last[1] ? hi : last[1];
    else out.push([lo, hi]);
  }
  return out;
}

export function intersectRanges<T extends number | bigint>(
  a: readonly Range<T>[],
  b: readonly Range<T>[],
): Range<T>[] {
  const out: Range<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i] as Range<T>;
    const [blo, bhi] = b[j] as Range<T>;
    const lo = alo > blo ? alo : blo;
    const hi = ahi < bhi ? ahi : bhi;
    if (lo <= hi) out.push([lo, hi]);
    if (ahi < bhi) i++;
    else j++;
  }
  return out;
}
