import { LABEL, N8N } from "../../../model/names.js";
import type { TenantModel } from "../../../model/resolve.js";
import type { KubernetesObject } from "../../../manifest/object.js";
import { tenantMeta } from "../../../manifest/metadata.js";
import { n8nLabels } from "./workloads.js";

/**
 * Per-tenant metrics and alerts. Prometheus scrapes main's /metrics (queue metrics on);
 * the rules use n8n's own queue gauges, kube-state-metrics and the tenant's quota.
 */
export const QUEUE_BACKLOG_THRESHOLD = 100;

export function renderServiceMonitor(tenant: TenantModel): KubernetesObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: tenantMeta(tenant, N8N.roles.main),
    spec: {
      endpoints: [{ interval: "30s", path: "/metrics", port: "http" }],
      namespaceSelector: { matchNames: [tenant.namespace] },
      selector: { matchLabels: { ...n8nLabels("main"), [LABEL.tenant]: tenant.name } },
    },
  };
}

export function renderPrometheusRule(tenant: TenantModel): KubernetesObject {
  const ns = tenant.namespace;
  const labels = { severity: "warning", tenant: tenant.name, zone: tenant.zone.name };
  const rules: Record<string, unknown>[] = [
    {
      alert: "N8nQueueBacklog",
      annotations: {
        description: `More than ${QUEUE_BACKLOG_THRESHOLD} executions of tenant ${tenant.name} have waited in the queue for 10 minutes; workers are at their maximum or failing.`,
        summary: "n8n jobs are waiting in the queue",
      },
      expr: `sum(n8n_scaling_mode_queue_jobs_waiting{namespace="${ns}"}) > ${QUEUE_BACKLOG_THRESHOLD}`,
      for: "10m",
      labels,
    },
    {
      alert: "N8nNoWorkerReady",
      annotations: {
        description: `Tenant ${tenant.name} wants workers but none is ready: queued executions do not run.`,
        summary: "no n8n worker is ready",
      },
      expr: `kube_deployment_status_replicas_available{namespace="${ns}",deployment="${N8N.roles.worker}"} == 0 and kube_deployment_spec_replicas{namespace="${ns}",deployment="${N8N.roles.worker}"} > 0`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
    },
    {
      alert: "N8nQuotaUsageHigh",
      annotations: {
        description: `Tenant ${tenant.name} uses more than 80 % of {{ $labels.resource }} in its quota; autoscaling will stop at the quota.`,
        summary: "tenant quota almost used up",
      },
      expr: `kube_resourcequota{namespace="${ns}",type="used"} / ignoring(type) kube_resourcequota{namespace="${ns}",type="hard"} > 0.8`,
      for: "15m",
      labels,
    },
  ];
  // Asleep, its server is hibernated on purpose: not a page for anyone.
  if (tenant.settings.database.isolation === "cluster" && !tenant.settings.hibernation.asleep) {
    rules.splice(2, 0, {
      alert: "N8nDatabaseNotReady",
      annotations: {
        description: `No PostgreSQL instance of tenant ${tenant.name} has been ready for 5 minutes.`,
        summary: "tenant database not ready",
      },
      expr: `sum(kube_pod_status_ready{namespace="${ns}",pod=~"${tenant.data.databaseCluster}-[0-9]+",condition="true"}) < 1 or absent(kube_pod_status_ready{namespace="${ns}",pod=~"${tenant.data.databaseCluster}-[0-9]+",condition="true"})`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
    });
  }
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: tenantMeta(tenant, N8N.alerts),
    spec: { groups: [{ name: `tenant-${tenant.name}`, rules }] },
  };
}
