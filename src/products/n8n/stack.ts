/** n8n's builders behind the product contract: its workloads, then its scaling, ingress and monitoring. */
import type { ProductStack } from "../contract/builders.js";
import {
  renderWebhookAutoscaler,
  renderWorkerScaledObject,
  renderWorkerTriggerAuthentication,
} from "./kubernetes/autoscaling.js";
import { renderIngress } from "./kubernetes/ingress.js";
import { n8nAlertRules, n8nDashboardRows } from "./kubernetes/monitoring.js";
import { n8nDatabaseMetrics } from "./database-metrics.js";
import {
  n8nRoles,
  renderN8nDeployment,
  renderN8nPodDisruptionBudget,
  renderN8nService,
} from "./kubernetes/workloads.js";

export const n8nStack: ProductStack = {
  renderWorkloads(_model, tenant) {
    const roles = n8nRoles(tenant);
    return [
      ...roles.map((role) => renderN8nDeployment(tenant, role)),
      ...roles.map((role) => renderN8nPodDisruptionBudget(tenant, role)),
      renderN8nService(tenant, "main"),
      ...(tenant.settings.n8n.webhook.enabled ? [renderN8nService(tenant, "webhook")] : []),
    ];
  },
  renderScaling(model, tenant) {
    return [
      ...(tenant.settings.n8n.webhook.enabled ? [renderWebhookAutoscaler(tenant)] : []),
      renderWorkerScaledObject(tenant),
      renderWorkerTriggerAuthentication(tenant),
      renderIngress(model, tenant),
    ];
  },
  alertRules: (_model, tenant) => n8nAlertRules(tenant),
  dashboardRows: n8nDashboardRows,
  databaseMetrics: (tenant) => n8nDatabaseMetrics(tenant, tenant.data.databaseName),
};
