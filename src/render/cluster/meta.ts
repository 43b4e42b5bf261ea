import type { Model } from "../../model/resolve.js";
import type { ObjectMeta } from "../../manifest/object.js";
import { managedLabels } from "../../manifest/metadata.js";

/** Metadata of a cluster-layer object: owned by the platform, no tenant. */
export function clusterMeta(
  model: Model,
  name: string,
  namespace?: string,
  annotations?: Record<string, string>,
): ObjectMeta {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels: managedLabels(model.platform),
    ...(annotations === undefined ? {} : { annotations }),
  };
}
