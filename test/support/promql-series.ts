/**
 * Series that a PromQL expression's selectors match, for feeding a real Prometheus: each
 * selector `name{l="v", m=~"re"}` becomes one series with labels that satisfy its matchers
 * (a regex gets a value it matches, checked), in a namespace of choice.
 */
export interface Selector {
  readonly name: string;
  readonly labels: Record<string, string>;
}

const SELECTOR = /([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}/g;
const MATCHER = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

export function selectorsOf(expr: string): Selector[] {
  const out: Selector[] = [];
  for (const [, name, body] of expr.matchAll(SELECTOR)) {
    if (name === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, label, op, value] of (body ?? "").matchAll(MATCHER)) {
      if (label === undefined || value === undefined) continue;
      if (op === "=") labels[label] = value;
      else if (op === "=~") labels[label] = satisfying(value);
    }
    out.push({ name, labels });
  }
  return out;
}

/** A string the (anchored) regex matches: the first alternative, `[0-9]+` as 1, `.*` as x. */
function satisfying(regex: string): string {
  const first = regex.split("|")[0] ?? "";
  const value = first
    .replace(/\[0-9\]\+/g, "1")
    .replace(/\.\*/g, "x")
    .replace(/\.\./g, "00")
    .replace(/\\/g, "");
  if (!new RegExp(`^(?:${regex})$`).test(value)) throw new Error(`no value found for /${regex}/`);
  return value;
}
