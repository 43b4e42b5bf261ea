import {
  clusterDirectory,
  inTree,
  OWNER_ANNOTATION,
  objectFileName,
  platformIdentity,
  tenantDirectory,
  zoneDirectory,
} from "../model/names.js";
import { resolveClusters } from "../model/resolve-clusters.js";
import type { Model } from "../model/resolve.js";
import type { Platform } from "../input/schema.js";
import type { KubernetesObject } from "../manifest/object.js";
import type { RenderedObject } from "../manifest/rendered.js";
import { renderCluster } from "./cluster/index.js";
import { renderZoneData } from "./kubernetes/data/zone.js";
import { renderTenant } from "./kubernetes/tenant.js";

/** Renders a validated spec, every cluster of it. Pure and deterministic: the same spec gives the same list. */
export function render(spec: Platform): RenderedObject[] {
  return byFile(resolveClusters(spec).flatMap((model) => renderModel(model)));
}

/** What render takes beside the model: values only a deployed AWS layer knows. */
export interface RenderOptions {
  /** `rds` tenant → the security group ids of its pods (cluster group, tenant group), from `aws/outputs.ts`. */
  readonly podSecurityGroups?: ReadonlyMap<string, readonly string[]>;
}

export function renderModel(model: Model, options: RenderOptions = {}): RenderedObject[] {
  const out: RenderedObject[] = [];
  const owner = platformIdentity(model.platform, model.cluster.name);
  const place = (dir: string, tenant: string | undefined, objects: readonly KubernetesObject[]) => {
    for (const object of objects) {
      out.push({
        file: `${dir}/${objectFileName(object.kind, object.metadata.name)}`,
        tenant,
        object: withOwner(object, owner),
      });
    }
  };
  for (const tenant of model.tenants) {
    const parts = renderTenant(model, tenant, options.podSecurityGroups?.get(tenant.name));
    const directory = inTree(model.treeRoot, tenantDirectory(tenant.name));
    place(`${directory}/platform`, tenant.name, parts.platform);
    place(`${directory}/${tenant.product.name}`, tenant.name, parts.stack);
  }
  for (const zone of model.zones)
    place(inTree(model.treeRoot, zoneDirectory(zone.name)), undefined, renderZoneData(model, zone));
  for (const [dir, objects] of Object.entries(renderCluster(model))) {
    place(`${clusterDirectory(model.cluster.name, model.treeRoot)}/${dir}`, undefined, objects);
  }
  assertUniqueFiles(out);
  return byFile(out);
}

function byFile(objects: RenderedObject[]): RenderedObject[] {
  return objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The object with the owner annotation (a new metadata object: sub-objects are shared between objects). */
function withOwner(object: KubernetesObject, owner: string): KubernetesObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [OWNER_ANNOTATION]: owner },
    },
  };
}

/** Two objects in one file would silently overwrite each other: that is a renderer bug. */
function assertUniqueFiles(objects: readonly RenderedObject[]): void {
  const seen = new Set<string>();
  for (const { file } of objects) {
    // spec/name-collision refuses every spec that could get here; reaching it is a bug, reported as one.
    if (seen.has(file))
      throw new Error(
        `render: two objects were rendered to ${file} (a name collision the spec rules missed)`,
      );
    seen.add(file);
  }
}
