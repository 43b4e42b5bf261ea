/** The service product's builders behind the product contract: its components, then their scaling and routes. */
import type { KubernetesObject } from "../../manifest/object.js";
import type { ProductStack } from "../contract/builders.js";
import {
  renderComponentScaledObject,
  renderRabbitmqTriggerAuthentication,
} from "./kubernetes/autoscaling.js";
import { renderComponentIngress } from "./kubernetes/ingress.js";
import { serviceAlertRules, serviceDashboardRows } from "./observability.js";
import {
  renderComponentDeployment,
  renderComponentDisruptionBudget,
  renderComponentService,
} from "./kubernetes/workloads.js";

const present = <T>(items: readonly (T | undefined)[]): T[] => items.filter((i): i is T => i !== undefined);

export const serviceStack: ProductStack = {
  renderWorkloads(_model, tenant) {
    const workloads = tenant.product.workloads;
    return present<KubernetesObject>([
      ...workloads.map((w) => renderComponentDeployment(tenant, w)),
      ...workloads.map((w) => renderComponentService(tenant, w)),
      ...workloads.map((w) => renderComponentDisruptionBudget(tenant, w)),
    ]);
  },
  renderScaling(model, tenant) {
    return present<KubernetesObject>([
      ...tenant.product.workloads.map((w) => renderComponentScaledObject(tenant, w)),
      renderRabbitmqTriggerAuthentication(tenant),
      renderComponentIngress(model, tenant),
    ]);
  },
  alertRules: serviceAlertRules,
  dashboardRows: serviceDashboardRows,
};
