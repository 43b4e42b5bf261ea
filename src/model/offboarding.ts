/**
 * Tenants that left (`tenantctl offboard`, the spec's `offboarded:`): their data-bearing objects
 * and keys are kept until a date, recorded in the spec and on the objects themselves
 * (`tenantctl.io/retain-until`), so that neither a prune nor a hand-edited spec deletes them
 * sooner. The date is inclusive: they may go from the next day (UTC), and then only with
 * --allow-data-loss.
 */
import type { Located } from "../input/issues.js";
import type { Platform } from "../input/schema.js";
import { LABEL, RETAIN_UNTIL_ANNOTATION } from "./names.js";
import { problem } from "./problem.js";

const DAY_MS = 86_400_000;

/** A retention as given to offboard: 90d, 12w, 6m (months), 7y. */
export const RETENTION_PATTERN = /^[1-9]\d*[dwmy]$/;

/** The last day (UTC, YYYY-MM-DD) of a retention that starts now. */
export function retainedThrough(retention: string, now: Date): string {
  const amount = Number(retention.slice(0, -1));
  const end = new Date(now.getTime());
  const unit = retention.slice(-1);
  if (unit === "d") end.setUTCDate(end.getUTCDate() + amount);
  if (unit === "w") end.setUTCDate(end.getUTCDate() + 7 * amount);
  if (unit === "m") end.setUTCMonth(end.getUTCMonth() + amount);
  if (unit === "y") end.setUTCFullYear(end.getUTCFullYear() + amount);
  return end.toISOString().slice(0, 10);
}

/** Whether data kept through `until` (YYYY-MM-DD) must still be kept at `now`. */
export function stillRetained(until: string, now: Date): boolean {
  return now.getTime() < Date.parse(`${until}T00:00:00Z`) + DAY_MS;
}

/**
 * The day an object is kept through, by its own annotation or by its tenant's entry in
 * `offboarded:`, whichever is later; undefined when neither says.
 */
export function retainedUntil(
  offboarded: Platform["offboarded"],
  object: {
    metadata: {
      labels?: Readonly<Record<string, string>> | undefined;
      annotations?: Readonly<Record<string, string>> | undefined;
    };
  },
): string | undefined {
  const own = object.metadata.annotations?.[RETAIN_UNTIL_ANNOTATION];
  const tenant = object.metadata.labels?.[LABEL.tenant];
  const listed = offboarded.find((o) => o.name === tenant)?.until;
  const days = [own, listed]
    .filter((d): d is string => d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
  return days.at(-1);
}

export function checkOffboarded(spec: Platform, out: Located[]): void {
  const seen = new Set<string>();
  spec.offboarded.forEach((o, i) => {
    if (seen.has(o.name))
      out.push(
        problem(
          "spec/duplicate-offboarded",
          ["offboarded", i, "name"],
          `offboarded[${i}]: ${o.name} is listed twice`,
          "keep one entry, with the later date",
        ),
      );
    seen.add(o.name);
    const returning = spec.tenants.findIndex((t) => t.name === o.name);
    if (returning >= 0)
      out.push(
        problem(
          "spec/offboarded-tenant-returns",
          ["tenants", returning, "name"],
          `tenants[${returning}]: ${o.name} is also under offboarded: (kept through ${o.until}); a tenant is one or the other`,
          "to bring it back, remove its offboarded entry (its kept data is then its data again)",
        ),
      );
    if (Number.isNaN(Date.parse(`${o.until}T00:00:00Z`)))
      out.push(
        problem(
          "spec/offboarded-date",
          ["offboarded", i, "until"],
          `offboarded[${i}].until: ${o.until} is not a day of the calendar`,
          'a date such as "2027-03-01"',
        ),
      );
  });
}
