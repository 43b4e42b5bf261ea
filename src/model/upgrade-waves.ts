/**
 * Upgrade waves (`upgrades.waves`): the order in which a version change moves through the
 * tenants, e.g. the internal zone first, then a canary customer, then everyone else. A tenant
 * belongs to the first wave that selects it (by name, zone or labels); the tenants no wave
 * selects form a last wave, `rest`.
 */
import type { Located } from "../input/issues.js";
import type { Platform, UpgradeWaveSpec } from "../input/schema.js";
import { closest } from "../input/suggest.js";
import { oneOf, quote } from "../diagnostics/path.js";
import { problem } from "./problem.js";
import { effectiveSettings } from "./settings.js";

export const REST_WAVE = "rest";

export interface UpgradeWave {
  readonly name: string;
  /** Its tenants, in spec order. */
  readonly tenants: readonly string[];
}

function selects(spec: Platform, wave: UpgradeWaveSpec, i: number): boolean {
  const tenant = spec.tenants[i];
  if (tenant === undefined) return false;
  if (wave.tenants?.includes(tenant.name) === true) return true;
  if (wave.zones?.includes(tenant.zone) === true) return true;
  if (wave.labels === undefined || Object.keys(wave.labels).length === 0) return false;
  const labels = effectiveSettings(spec, i).labels ?? {};
  return Object.entries(wave.labels).every(([k, v]) => labels[k] === v);
}

/** The waves in order, each with its tenants; `rest` last when some tenant is in no wave. */
export function upgradeWaves(spec: Platform): UpgradeWave[] {
  const placed = new Set<string>();
  const waves = spec.upgrades.waves.map((wave) => {
    const tenants = spec.tenants
      .filter((t, i) => !placed.has(t.name) && selects(spec, wave, i))
      .map((t) => t.name);
    for (const t of tenants) placed.add(t);
    return { name: wave.name, tenants };
  });
  const rest = spec.tenants.filter((t) => !placed.has(t.name)).map((t) => t.name);
  return rest.length === 0 ? waves : [...waves, { name: REST_WAVE, tenants: rest }];
}

export function checkUpgradeWaves(spec: Platform, out: Located[]): void {
  const names = spec.tenants.map((t) => t.name);
  const zones = Object.keys(spec.zones);
  const seen = new Map<string, number>();
  const claimed = new Map<string, string>();
  spec.upgrades.waves.forEach((wave, w) => {
    const at = ["upgrades", "waves", w] as const;
    const first = seen.get(wave.name);
    if (first !== undefined || wave.name === REST_WAVE)
      out.push(
        problem(
          "spec/duplicate-upgrade-wave",
          [...at, "name"],
          first === undefined
            ? `upgrades.waves[${w}].name: ${quote(REST_WAVE)} is the name of the last wave, the tenants no wave selects`
            : `upgrades.waves[${w}].name: ${quote(wave.name)} is already the name of upgrades.waves[${first}]`,
          "give every wave its own name",
        ),
      );
    seen.set(wave.name, w);
    (wave.tenants ?? []).forEach((name, j) => {
      if (names.includes(name)) return;
      const suggestion = closest(name, names);
      out.push(
        problem(
          "spec/unknown-tenant",
          [...at, "tenants", j],
          `upgrades.waves[${w}].tenants: ${quote(name)} is not a tenant of this platform`,
          suggestion === undefined ? "name tenants from tenants:" : `did you mean ${quote(suggestion)}?`,
        ),
      );
    });
    (wave.zones ?? []).forEach((zone, j) => {
      if (zones.includes(zone)) return;
      out.push(
        problem(
          "spec/unknown-zone",
          [...at, "zones", j],
          `upgrades.waves[${w}].zones: ${quote(zone)} is not a zone of this platform; expected ${oneOf(zones)}`,
          closest(zone, zones) === undefined
            ? "name zones from zones:"
            : `did you mean ${quote(closest(zone, zones) ?? "")}?`,
        ),
      );
    });
    const selected = spec.tenants.filter((_, i) => selects(spec, wave, i)).map((t) => t.name);
    if (selected.length === 0)
      out.push(
        problem(
          "spec/empty-upgrade-wave",
          [...at],
          `upgrades.waves[${w}] (${wave.name}) selects no tenant`,
          "name tenants, zones or labels that some tenant has, or remove the wave",
        ),
      );
    for (const tenant of selected) {
      const earlier = claimed.get(tenant);
      if (earlier === undefined) {
        claimed.set(tenant, wave.name);
        continue;
      }
      out.push(
        problem(
          "spec/tenant-in-two-waves",
          [...at],
          `upgrades.waves[${w}] (${wave.name}) selects ${quote(tenant)}, which wave ${quote(earlier)} already moves`,
          "a tenant moves once: narrow one of the two waves",
        ),
      );
    }
  });
}
