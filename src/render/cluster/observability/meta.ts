/** What every object of the observability namespace carries: its name, the namespace, the platform's labels, and its tenant's. */
import { managedLabels } from "../../../manifest/metadata.js";
import type { ObjectMeta } from "../../../manifest/object.js";
import { LABEL, observabilityNamespace } from "../../../model/names.js";
import type { Model, TenantModel } from "../../../model/resolve.js";

/** The `app.kubernetes.io/component` of each tenant's Grafana and metrics proxy (its policies select by it). */
export const COMPONENT = { grafana: "grafana", metricsProxy: "metrics-proxy" } as const;

/** Metadata of an object in the observability namespace (with its tenant and zone when it is a tenant's). */
export function observabilityMeta(model: Model, name: string, tenant?: TenantModel): ObjectMeta {
  return {
    name,
    namespace: observabilityNamespace(model.platform),
    labels: {
      ...managedLabels(model.platform),
      ...(tenant === undefined ? {} : { [LABEL.tenant]: tenant.name, [LABEL.zone]: tenant.zone.name }),
    },
  };
}
