/**
 * Money in whole cents, split so that nothing is lost in rounding: the parts always add up
 * to the rounded total (largest remainder: the cents left over go to the largest fractions).
 */
export function cents(usd: number): number {
  return Math.round(usd * 100);
}

/** Splits `total` cents over `weights` (any non-negative numbers); the result sums to `total` exactly. */
export function splitCents(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  const shares = sum > 0 ? weights.map((w) => (w / sum) * total) : weights.map(() => total / weights.length);
  const floors = shares.map((s) => Math.floor(s));
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = shares
    .map((s, i) => [s - Math.floor(s), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    left -= 1;
  }
  return floors;
}

export function usd(centsValue: number): string {
  const sign = centsValue < 0 ? "-" : "";
  const abs = Math.abs(centsValue);
  return `${sign}$${Math.floor(abs / 100).toLocaleString("en-US")}.${String(abs % 100).padStart(2, "0")}`;
}
