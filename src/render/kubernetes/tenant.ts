import type { Model, TenantModel } from "../../model/resolve.js";
import { renderPostgresCluster, renderScheduledBackup } from "./data/postgres.js";
import { renderRedis } from "./data/redis.js";
import { renderNamespace } from "./namespace.js";
import { renderAllowDns, renderDefaultDeny } from "./network-policy.js";
import {
  renderWebhookAutoscaler,
  renderWorkerScaledObject,
  renderWorkerTriggerAuthentication,
} from "./n8n/autoscaling.js";
import { renderIngress } from "./n8n/ingress.js";
import { renderPrometheusRule, renderServiceMonitor } from "./n8n/monitoring.js";
import {
  n8nRoles,
  renderN8nDeployment,
  renderN8nPodDisruptionBudget,
  renderN8nService,
  renderServiceAccount,
} from "./n8n/workloads.js";
import { type KubernetesObject, tenantMeta } from "./object.js";
import { renderLimitRange, renderResourceQuota } from "./quota.js";
import { renderTenantRbac } from "./rbac.js";
import { renderExternalSecrets } from "./secrets.js";
import { renderStackNetworkPolicies } from "./stack-network.js";

/** Everything of one tenant that lives in Kubernetes: the isolation baseline, then its n8n stack. */
export function renderTenant(model: Model, tenant: TenantModel): KubernetesObject[] {
  return [...renderBaseline(model, tenant), ...renderStack(model, tenant)];
}

export function renderBaseline(model: Model, tenant: TenantModel): KubernetesObject[] {
  const meta = (name: string) => tenantMeta(tenant, name);
  return [
    renderNamespace(model, tenant),
    renderResourceQuota(tenant),
    renderLimitRange(tenant),
    renderDefaultDeny(meta),
    renderAllowDns(meta),
    ...renderTenantRbac(tenant),
  ];
}

export function renderStack(model: Model, tenant: TenantModel): KubernetesObject[] {
  const { database, redis, n8n } = tenant.settings;
  const roles = n8nRoles(tenant);
  return [
    ...renderExternalSecrets(model, tenant),
    ...(database.isolation === "cluster"
      ? [renderPostgresCluster(model, tenant), renderScheduledBackup(model, tenant)]
      : []),
    ...(redis.isolation === "instance" ? renderRedis(tenant) : []),
    renderServiceAccount(tenant),
    ...roles.map((role) => renderN8nDeployment(tenant, role)),
    ...roles.map((role) => renderN8nPodDisruptionBudget(tenant, role)),
    renderN8nService(tenant, "main"),
    ...(n8n.webhook.enabled ? [renderN8nService(tenant, "webhook"), renderWebhookAutoscaler(tenant)] : []),
    renderWorkerScaledObject(tenant),
    renderWorkerTriggerAuthentication(tenant),
    renderIngress(model, tenant),
    ...renderStackNetworkPolicies(model, tenant),
    renderServiceMonitor(tenant),
    renderPrometheusRule(tenant),
  ];
}
