/**
 * `tenantctl hibernate` and `wake` as edits of platform.yaml: `hibernation.asleep: true` on the
 * tenant, and its removal (or `false`, when the tenant is asleep through `defaults:`). Argo CD
 * then puts the tenant to sleep in the cluster, or wakes it.
 */
import type { Platform } from "../input/schema.js";
import { settingAt } from "../model/settings.js";
import { tenantIndex } from "./operations.js";
import { removeKey, setScalar } from "./yaml-text.js";

export function hibernateEdit(text: string, spec: Platform, tenant: string): string {
  const i = tenantIndex(spec, tenant);
  if (spec.tenants[i]?.hibernation?.asleep === true) return text;
  return setScalar(text, ["tenants", i, "hibernation", "asleep"], true);
}

export function wakeEdit(text: string, spec: Platform, tenant: string): string {
  const i = tenantIndex(spec, tenant);
  const own = spec.tenants[i]?.hibernation;
  const byDefault = settingAt(spec.defaults, ["hibernation", "asleep"]) === true;
  if (byDefault)
    return own?.asleep === false ? text : setScalar(text, ["tenants", i, "hibernation", "asleep"], false);
  if (own?.asleep === undefined) return text;
  // The last key of hibernation: goes with it (an empty map would be left).
  return Object.keys(own).length === 1
    ? removeKey(text, ["tenants", i, "hibernation"])
    : removeKey(text, ["tenants", i, "hibernation", "asleep"]);
}
