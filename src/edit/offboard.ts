/**
 * `tenantctl offboard` as an edit of platform.yaml: the tenant leaves `tenants:` and is recorded
 * under `offboarded:` with the day its data is kept through and its final backup, so that every
 * later apply (and whoever reads the spec) knows what is kept and until when.
 */
import type { Platform } from "../input/schema.js";
import { flowText, appendToSequence } from "./yaml-text.js";
import { removeTenant, tenantIndex } from "./operations.js";

export function offboardEdit(
  text: string,
  spec: Platform,
  tenant: string,
  until: string,
  backup: string | undefined,
): string {
  const zone = spec.tenants[tenantIndex(spec, tenant)]?.zone ?? "";
  const entry: Record<string, unknown> = {
    name: tenant,
    zone,
    until,
    ...(backup === undefined ? {} : { backup }),
  };
  const removed = removeTenant(text, spec, tenant);
  if (/^offboarded:/m.test(removed)) return appendToSequence(removed, ["offboarded"], entry);
  return `${removed.endsWith("\n") ? removed : `${removed}\n`}offboarded:\n  - ${flowText(entry)}\n`;
}
