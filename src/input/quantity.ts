/**
 * Kubernetes resource quantities ("500m", "2", "1.5Gi", "10G") as plain numbers, so that
 * the spec rules can add requests up and compare them with quotas. CPU is counted in
 * millicores and memory/storage in bytes; both fit a double exactly at these sizes.
 */
const SUFFIX_FACTORS: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export const QUANTITY_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE]\d+)?$/;

/** The quantity's value in base units (cores, bytes); undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) return undefined;
  const [, digits = "", suffix = ""] = match;
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX_FACTORS[suffix];
  return factor === undefined ? undefined : Number(digits) * factor;
}

export function millicores(text: string): number {
  return Math.round((parseQuantity(text) ?? Number.NaN) * 1000);
}

export function bytes(text: string): number {
  return Math.round(parseQuantity(text) ?? Number.NaN);
}

/** Formats millicores the way Kubernetes prints them: "1500m", "2". */
export function formatMillicores(value: number): string {
  return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
}

/** Formats bytes with the largest binary suffix that divides them: "1536Mi", "8Gi". */
export function formatBytes(value: number): string {
  for (const suffix of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"] as const) {
    const factor = SUFFIX_FACTORS[suffix] ?? 1;
    if (value >= factor && value % factor === 0) return `${value / factor}${suffix}`;
  }
  return String(value);
}
