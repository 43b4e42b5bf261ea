/**
 * The metric names a PromQL expression selects, read the way Prometheus's parser tells them
 * apart: an identifier is a metric unless it is a function (followed by `(`), a keyword or
 * aggregation modifier, a label inside `{…}` or a `by (…)`/`on (…)` list, or a string, a
 * number or a duration. What the alert and dashboard checks compare with a real `/metrics`.
 */
const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
  // Aggregations may take their modifier before the parenthesis: `sum by (le) (…)`.
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "group",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "quantile",
  "count_values",
  "limitk",
  "limit_ratio",
]);

/** A selector of a namespace's series, with more matchers after it (`,deployment="x"`). */
export function namespaceSelector(namespace: string, more = ""): string {
  return `{namespace="${namespace}"${more}}`;
}

export function metricNames(expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, "{}")
    .replace(/\[[^\]]*\]/g, "[]")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, "$1()");
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<![\w:.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (name === undefined || call !== undefined || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

/** The metric names a Prometheus text exposition (`/metrics`) offers. */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const name = /^([A-Za-z_:][A-Za-z0-9_:]*)/.exec(line)?.[1];
    if (name !== undefined) names.add(name);
  }
  return names;
}
