/**
 * Why the API server would refuse an object outright, for the mistakes YAML 1.1 makes easy:
 * label and annotation values must be strings, and an unquoted `on`, `yes` or `y` is a
 * boolean. Such an object never exists in the cluster, so verify must not analyse it as if
 * it did: it is reported (manifest-unreadable) and left out.
 */
import type { KubernetesObject } from "../../manifest/object.js";
import { notAString } from "../network/selector.js";

export function apiServerRefusal(object: KubernetesObject): string | undefined {
  const spec = object.spec as { template?: { metadata?: Record<string, unknown> } } | undefined;
  const places: [string, unknown][] = [
    ["metadata.labels", object.metadata.labels],
    ["metadata.annotations", object.metadata.annotations],
    ["spec.template.metadata.labels", spec?.template?.metadata?.labels],
    ["spec.template.metadata.annotations", spec?.template?.metadata?.annotations],
  ];
  for (const [where, map] of places) {
    if (map === undefined || map === null) continue;
    if (typeof map !== "object" || Array.isArray(map)) return `${where} must be a map of strings`;
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== "string")
        return `${object.kind} ${object.metadata.name}: ${notAString(`${where}["${key}"]`, value)}`;
    }
  }
  return undefined;
}
