import type { Model } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { inWave, WAVE } from "../../manifest/waves.js";
import { renderAddons } from "./addons.js";
import { renderAdmissionPolicies } from "./admission.js";
import {
  renderApplicationSets,
  renderBaselineProject,
  renderPlatformProject,
  renderRootApplication,
  renderTenantProject,
} from "./argocd.js";
import { renderKarpenter } from "./karpenter.js";
import { renderSecretStores } from "./secret-stores.js";
import { renderObservability } from "./observability/tenant-grafana.js";
import { productStack } from "../../products/stacks.js";

/** The cluster layer, by the subdirectory of clusters/<cluster>/ it is written to. */
export function renderCluster(model: Model): Record<string, KubernetesObject[]> {
  const observability = renderObservability(model, (tenant) =>
    productStack(tenant.product.kind).dashboardRows(model, tenant),
  );
  return {
    addons: inWave(WAVE.addons, renderAddons(model)),
    admission: inWave(WAVE.admission, renderAdmissionPolicies(model)),
    karpenter: inWave(WAVE.clusterServices, renderKarpenter(model)),
    "secret-stores": inWave(WAVE.clusterServices, renderSecretStores(model)),
    observability: [
      // Its namespace before anything in it: a wave's objects are applied together.
      ...inWave(WAVE.admission, observability.namespace),
      ...inWave(WAVE.clusterServices, observability.services),
    ],
    argocd: [
      ...inWave(WAVE.projects, [
        renderPlatformProject(model),
        renderBaselineProject(model),
        ...model.tenants.map((t) => renderTenantProject(model, t)),
      ]),
      ...inWave(WAVE.applications, [...renderApplicationSets(model), renderRootApplication(model)]),
    ],
  };
}
