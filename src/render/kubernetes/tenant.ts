/**
 * A tenant in two parts, as Argo CD delivers them:
 * - platform: its namespace and everything that isolates it (quota, limits, every network
 *   policy, RBAC), owned by the platform project: the tenant cannot change it;
 * - stack: its product (secrets, service account, data services, then the product's own
 *   workloads and their scaling, ingress and monitoring), in the tenant's own project, in the
 *   directory named after the product.
 */
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";
import { inWave, WAVE } from "../../manifest/waves.js";
import { productServiceAccount } from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { productStack } from "../../products/stacks.js";
import {
  renderMonitoringQueries,
  renderPooler,
  renderPostgresCluster,
  renderScheduledBackup,
} from "./data/postgres.js";
import { renderRedis } from "./data/redis.js";
import { renderRabbitmqCluster } from "./data/rabbitmq.js";
import { ownsServer } from "../../model/data-services.js";
import type { DataServiceKind } from "../../products/contract/declaration.js";
import { renderNamespace } from "./namespace.js";
import { renderAllowDns, renderDefaultDeny } from "./network-policy.js";
import { renderLimitRange, renderResourceQuota } from "./quota.js";
import { renderTenantRbac } from "./rbac.js";
import { renderExternalSecrets } from "./secrets.js";
import { renderSecurityGroupPolicy } from "./security-group-policy.js";
import { renderStackNetworkPolicies } from "./stack-network.js";
import { renderUpgradeBackup, stageUpgrade } from "./upgrade-stage.js";
import { hibernateData, hibernateWorkloads } from "./hibernation.js";
import { renderTenantMonitoring } from "./observability.js";

export interface TenantParts {
  readonly platform: KubernetesObject[];
  readonly stack: KubernetesObject[];
}

export function renderTenant(
  model: Model,
  tenant: TenantModel,
  podSecurityGroups?: readonly string[],
): TenantParts {
  const meta = (name: string) => tenantMeta(tenant, name);
  const stack = productStack(tenant.product.kind);
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
        ...(podSecurityGroups === undefined ? [] : [renderSecurityGroupPolicy(tenant, podSecurityGroups)]),
      ]),
    ],
    stack: [
      ...inWave(WAVE.secrets, [...renderExternalSecrets(model, tenant), renderServiceAccount(tenant)]),
      ...inWave(WAVE.data, hibernateData(tenant, renderDataServices(model, tenant))),
      ...renderUpgradeBackup(tenant),
      ...stageUpgrade(
        tenant,
        hibernateWorkloads(model, tenant, [
          ...inWave(WAVE.app, stack.renderWorkloads(model, tenant)),
          ...inWave(WAVE.scaling, [
            ...stack.renderScaling(model, tenant),
            ...renderTenantMonitoring(model, tenant, stack.alertRules(model, tenant)),
          ]),
        ]),
      ),
    ],
  };
}

/** The tenant's own servers of the data services its product needs (shared ones are the zone's). */
function renderDataServices(model: Model, tenant: TenantModel): KubernetesObject[] {
  const own = (kind: DataServiceKind) => ownsServer(tenant.settings, tenant.product.dataServices, kind);
  return [
    ...(own("database") ? renderOwnDatabase(model, tenant) : []),
    ...[renderPooler(tenant)].filter((o) => o !== undefined),
    ...(own("redis") ? renderRedis(tenant) : []),
    ...(own("rabbitmq") ? [renderRabbitmqCluster(model, tenant)] : []),
  ];
}

/** The tenant's own CloudNativePG server, its backups, and what its exporter reads of the product's data. */
function renderOwnDatabase(model: Model, tenant: TenantModel): KubernetesObject[] {
  const metrics = productStack(tenant.product.kind).databaseMetrics?.(tenant);
  return [
    renderPostgresCluster(model, tenant, metrics),
    ...(metrics === undefined ? [] : [renderMonitoringQueries(tenant, metrics)]),
    renderScheduledBackup(model, tenant),
  ];
}

/** The product's service account: no token in its pods, which never call the Kubernetes API. */
function renderServiceAccount(tenant: TenantModel): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: tenantMeta(tenant, productServiceAccount(tenant.product.name)),
    automountServiceAccountToken: false,
  };
}
