import type { Model, TenantModel } from "../../model/resolve.js";
import { inWave, WAVE } from "../../manifest/waves.js";
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
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "./metadata.js";
import { renderLimitRange, renderResourceQuota } from "./quota.js";
import { renderTenantRbac } from "./rbac.js";
import { renderExternalSecrets } from "./secrets.js";
import { renderStackNetworkPolicies } from "./stack-network.js";

/**
 * A tenant in two parts, as Argo CD delivers them:
 * - platform: its namespace and everything that isolates it (quota, limits, every network
 *   policy, RBAC), owned by the platform project: the tenant cannot change it;
 * - n8n: its stack (secrets, data services, n8n, autoscaling, ingress, monitoring), in the
 *   tenant's own project.
 */
export interface TenantParts {
  readonly platform: KubernetesObject[];
  readonly n8n: KubernetesObject[];
}

export function renderTenant(model: Model, tenant: TenantModel): TenantParts {
  const meta = (name: string) => tenantMeta(tenant, name);
  const { database, redis, n8n } = tenant.settings;
  const roles = n8nRoles(tenant);
  return {
    platform: [
      ...inWave(WAVE.namespace, [renderNamespace(model, tenant)]),
      ...inWave(WAVE.isolation, [
        renderResourceQuota(tenant),
        renderLimitRange(tenant),
        renderDefaultDeny(meta),
        renderAllowDns(meta),
        ...renderStackNetworkPolicies(model, tenant),
        ...renderTenantRbac(tenant),
      ]),
    ],
    n8n: [
      ...inWave(WAVE.secrets, [...renderExternalSecrets(model, tenant), renderServiceAccount(tenant)]),
      ...inWave(WAVE.data, [
        ...(database.isolation === "cluster"
          ? [renderPostgresCluster(model, tenant), renderScheduledBackup(model, tenant)]
          : []),
        ...(redis.isolation === "instance" ? renderRedis(tenant) : []),
      ]),
      ...inWave(WAVE.n8n, [
        ...roles.map((role) => renderN8nDeployment(tenant, role)),
        ...roles.map((role) => renderN8nPodDisruptionBudget(tenant, role)),
        renderN8nService(tenant, "main"),
        ...(n8n.webhook.enabled ? [renderN8nService(tenant, "webhook")] : []),
      ]),
      ...inWave(WAVE.scaling, [
        ...(n8n.webhook.enabled ? [renderWebhookAutoscaler(tenant)] : []),
        renderWorkerScaledObject(tenant),
        renderWorkerTriggerAuthentication(tenant),
        renderIngress(model, tenant),
        renderServiceMonitor(tenant),
        renderPrometheusRule(tenant),
      ]),
    ],
  };
}
