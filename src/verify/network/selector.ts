/**
 * Label selectors exactly as Kubernetes evaluates them (metav1.LabelSelector):
 * matchLabels and matchExpressions are ANDed; an empty selector selects everything;
 * `NotIn` and `DoesNotExist` also select objects that lack the key.
 */
export type Labels = Readonly<Record<string, string>>;

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

export interface Selector {
  readonly requirements: readonly SelectorRequirement[];
  /** A canonical text: equal selectors have equal keys (used to share match results). */
  readonly key: string;
}

const OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/** Parses a selector; returns a message instead when it is one the API server would reject. */
export function parseSelector(raw: unknown): Selector | string {
  if (raw === undefined || raw === null) return selectorOf([]);
  if (typeof raw !== "object") return "a label selector must be an object";
  const { matchLabels, matchExpressions } = raw as { matchLabels?: unknown; matchExpressions?: unknown };
  const requirements: SelectorRequirement[] = [];
  for (const [key, value] of Object.entries((matchLabels ?? {}) as Record<string, unknown>)) {
    if (typeof value !== "string") return notAString(`matchLabels["${key}"]`, value);
    requirements.push({ key, operator: "In", values: [value] });
  }
  for (const expression of (matchExpressions ?? []) as {
    key?: unknown;
    operator?: unknown;
    values?: unknown;
  }[]) {
    const operator = String(expression.operator);
    if (!OPERATORS.has(operator)) return `unknown selector operator "${operator}"`;
    const rawValues: unknown[] = Array.isArray(expression.values) ? expression.values : [];
    const bad = rawValues.find((v) => typeof v !== "string");
    if (bad !== undefined) return notAString(`values of "${String(expression.key)}"`, bad);
    const values = rawValues as string[];
    if ((operator === "In" || operator === "NotIn") && values.length === 0) {
      return `operator ${operator} on "${String(expression.key)}" needs at least one value`;
    }
    if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
      return `operator ${operator} on "${String(expression.key)}" takes no values`;
    }
    requirements.push({
      key: String(expression.key),
      operator: operator as SelectorRequirement["operator"],
      values: [...values].sort(),
    });
  }
  return selectorOf(requirements);
}

/** The API server refuses a label value that is not a string; YAML 1.1 makes unquoted yes/on/y booleans. */
export function notAString(where: string, value: unknown): string {
  return `${where} is ${JSON.stringify(value)} (a ${typeof value}), not a string: the API server refuses the object${
    typeof value === "boolean"
      ? " (unquoted y, yes, on, n, no, off are YAML 1.1 booleans: quote the value)"
      : "; quote the value"
  }`;
}

function selectorOf(requirements: SelectorRequirement[]): Selector {
  const sorted = [...requirements].sort((a, b) =>
    a.key === b.key ? (a.operator < b.operator ? -1 : 1) : a.key < b.key ? -1 : 1,
  );
  return { requirements: sorted, key: JSON.stringify(sorted.map((r) => [r.key, r.operator, r.values])) };
}

export function matches(selector: Selector, labels: Labels): boolean {
  for (const { key, operator, values } of selector.requirements) {
    const value = labels[key];
    switch (operator) {
      case "In":
        if (value === undefined || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (value !== undefined && values.includes(value)) return false;
        break;
      case "Exists":
        if (value === undefined) return false;
        break;
      case "DoesNotExist":
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

/** A key=value pair every selected object must carry, if the selector has one: an index lookup. */
export function requiredPair(selector: Selector): readonly [string, string] | undefined {
  const r = selector.requirements.find((x) => x.operator === "In" && x.values.length === 1);
  return r === undefined ? undefined : [r.key, r.values[0] as string];
}

export function describeSelector(selector: Selector): string {
  if (selector.requirements.length === 0) return "{} (everything)";
  return selector.requirements
    .map(({ key, operator, values }) =>
      operator === "In" && values.length === 1
        ? `${key}=${values[0]}`
        : operator === "Exists"
          ? key
          : operator === "DoesNotExist"
            ? `!${key}`
            : `${key} ${operator.toLowerCase()} (${values.join(",")})`,
    )
    .join(",");
}
