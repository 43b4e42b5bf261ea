import { objectFileName, tenantDirectory, zoneDirectory } from "../model/names.js";
import { type Model, resolve } from "../model/resolve.js";
import type { Platform } from "../spec/schema.js";
import type { KubernetesObject } from "./kubernetes/object.js";
import { renderZoneData } from "./kubernetes/data/zone.js";
import { renderTenant } from "./kubernetes/tenant.js";

/** One rendered object and the file (relative to the output directory) it goes to. */
export interface RenderedObject {
  readonly file: string;
  readonly tenant: string | undefined;
  readonly object: KubernetesObject;
}

/** Renders a validated spec. Pure and deterministic: the same spec gives the same list. */
export function render(spec: Platform): RenderedObject[] {
  return renderModel(resolve(spec));
}

export function renderModel(model: Model): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const tenant of model.tenants) {
    const dir = tenantDirectory(tenant.name);
    for (const object of renderTenant(model, tenant)) {
      out.push({
        file: `${dir}/${objectFileName(object.kind, object.metadata.name)}`,
        tenant: tenant.name,
        object,
      });
    }
  }
  for (const zone of model.zones) {
    const dir = zoneDirectory(zone.name);
    for (const object of renderZoneData(model, zone)) {
      out.push({
        file: `${dir}/${objectFileName(object.kind, object.metadata.name)}`,
        tenant: undefined,
        object,
      });
    }
  }
  assertUniqueFiles(out);
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Two objects in one file would silently overwrite each other: that is a renderer bug. */
function assertUniqueFiles(objects: readonly RenderedObject[]): void {
  const seen = new Set<string>();
  for (const { file } of objects) {
    if (seen.has(file)) throw new Error(`render: two objects were rendered to ${file}`);
    seen.add(file);
  }
}
