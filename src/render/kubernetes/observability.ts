/**
 * What every tenant gets to be watched, whatever its product: Prometheus scrapes the product's
 * metrics workloads and its own database server; its alerts (the product's and the platform's:
 * quota, database, backups, certificate) carry its namespace, so that Alertmanager routes them
 * only to the receivers its spec names (an AlertmanagerConfig is confined to its namespace's
 * alerts); the receivers' credentials come through External Secrets, never from Git.
 */
import { databaseInstancesRegex, LABEL } from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { alertReceiverSecret } from "../../model/secrets.js";
import { ownsDatabaseServer } from "../../model/data-services.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";
import type { AlertRule } from "../../products/contract/builders.js";
import type { AlertReceiverSettings } from "../../input/schema.js";

/** Share of the database volume used that warns, and days before a certificate expires. */
export const DATABASE_FULL_SHARE = 0.85;
export const CERTIFICATE_DAYS = 14;
/** No backup completed for this long (the schedule is daily): the backups are failing. */
export const BACKUP_MAX_AGE_HOURS = 26;

export function renderTenantMonitoring(
  model: Model,
  tenant: TenantModel,
  productRules: readonly AlertRule[],
): KubernetesObject[] {
  const rules = [...productRules, ...platformAlertRules(model, tenant)];
  return [
    ...renderMetricsMonitors(tenant),
    renderPrometheusRule(tenant, rules),
    ...renderAlertRouting(tenant),
  ];
}

/** The product's metrics workloads, and the tenant's own PostgreSQL (its instance manager's exporter). */
function renderMetricsMonitors(tenant: TenantModel): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  const scraped = tenant.product.workloads.filter((w) => w.metrics).map((w) => w.component);
  if (scraped.length > 0)
    out.push(
      podMonitor(tenant, tenant.product.name, "http", {
        matchExpressions: [{ key: LABEL.component, operator: "In", values: scraped }],
        matchLabels: { [LABEL.name]: tenant.product.name, [LABEL.tenant]: tenant.name },
      }),
    );
  if (ownsDatabaseServer(tenant))
    out.push(
      podMonitor(tenant, tenant.data.databaseCluster, "metrics", {
        matchLabels: { "cnpg.io/cluster": tenant.data.databaseCluster },
      }),
    );
  return out;
}

function podMonitor(
  tenant: TenantModel,
  name: string,
  port: string,
  selector: Record<string, unknown>,
): KubernetesObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: tenantMeta(tenant, name),
    spec: {
      namespaceSelector: { matchNames: [tenant.namespace] },
      podMetricsEndpoints: [{ interval: "30s", path: "/metrics", port }],
      selector,
    },
  };
}

/** Alerts every tenant gets, from kube-state-metrics, the kubelet, CloudNativePG and cert-manager. */
export function platformAlertRules(model: Model, tenant: TenantModel): AlertRule[] {
  const ns = `namespace="${tenant.namespace}"`;
  const rules: AlertRule[] = [
    {
      alert: "TenantQuotaUsageHigh",
      description: `Tenant ${tenant.name} uses more than 80 % of {{ $labels.resource }} in its quota; autoscaling will stop at the quota.`,
      summary: "tenant quota almost used up",
      expr: `kube_resourcequota{${ns},type="used"} / ignoring(type) kube_resourcequota{${ns},type="hard"} > 0.8`,
      for: "15m",
      severity: "warning",
    },
  ];
  if (ownsDatabaseServer(tenant)) {
    const instances = databaseInstancesRegex(tenant.data.databaseCluster);
    const pvc = `${ns},persistentvolumeclaim=~"${instances}"`;
    const cnpg = `{${ns},pod=~"${instances}"}`;
    const ready = `kube_pod_status_ready{${ns},pod=~"${instances}",condition="true"}`;
    // Asleep, its server is hibernated on purpose: not a page for anyone.
    if (!tenant.settings.hibernation.asleep)
      rules.push({
        alert: "TenantDatabaseNotReady",
        description: `No PostgreSQL instance of tenant ${tenant.name} has been ready for 5 minutes.`,
        summary: "tenant database not ready",
        expr: `sum(${ready}) < 1 or absent(${ready})`,
        for: "5m",
        severity: "critical",
      });
    rules.push(
      {
        alert: "TenantDatabaseNearlyFull",
        description: `The database volume {{ $labels.persistentvolumeclaim }} of tenant ${tenant.name} is more than ${DATABASE_FULL_SHARE * 100} % full; PostgreSQL stops when it is full. Raise database.storage.`,
        summary: "tenant database volume nearly full",
        expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${pvc}} / kubelet_volume_stats_capacity_bytes{${pvc}}) > ${DATABASE_FULL_SHARE}`,
        for: "15m",
        severity: "warning",
      },
      {
        alert: "TenantBackupFailing",
        description: `Tenant ${tenant.name}'s last database backup failed, or none has completed for ${BACKUP_MAX_AGE_HOURS} hours: a restore would lose more than a day.`,
        summary: "tenant database backups failing",
        expr: `max(cnpg_collector_last_failed_backup_timestamp${cnpg}) > max(cnpg_collector_last_available_backup_timestamp${cnpg}) or time() - max(cnpg_collector_last_available_backup_timestamp${cnpg}) > ${BACKUP_MAX_AGE_HOURS * 3600}`,
        for: "30m",
        severity: "critical",
      },
    );
  }
  if (model.ingress.tls === "cert-manager")
    rules.push({
      alert: "TenantCertificateExpiring",
      description: `The certificate {{ $labels.name }} of tenant ${tenant.name} expires in less than ${CERTIFICATE_DAYS} days and has not been renewed.`,
      summary: "tenant certificate expiring",
      expr: `min by (name) (certmanager_certificate_expiration_timestamp_seconds{${ns}}) - time() < ${CERTIFICATE_DAYS * 86400}`,
      for: "1h",
      severity: "warning",
    });
  return rules;
}

function renderPrometheusRule(tenant: TenantModel, rules: readonly AlertRule[]): KubernetesObject {
  const labels = { namespace: tenant.namespace, tenant: tenant.name, zone: tenant.zone.name };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    // `<product>-alerts`: n8n-alerts for an n8n tenant, as before.
    metadata: tenantMeta(tenant, `${tenant.product.name}-alerts`),
    spec: {
      groups: [
        {
          name: `tenant-${tenant.name}`,
          rules: rules.map((r) => ({
            alert: r.alert,
            annotations: { description: r.description, summary: r.summary },
            expr: r.expr,
            for: r.for,
            labels: { ...labels, severity: r.severity },
          })),
        },
      ],
    },
  };
}

/**
 * Every alert of the tenant to each of its receivers. Prometheus Operator adds a
 * `namespace="<tenant's>"` matcher to the route: a tenant's receivers get only its alerts.
 */
function renderAlertRouting(tenant: TenantModel): KubernetesObject[] {
  const receivers = tenant.settings.alerts.receivers;
  const first = receivers[0];
  if (first === undefined) return [];
  return [
    {
      apiVersion: "monitoring.coreos.com/v1alpha1",
      kind: "AlertmanagerConfig",
      metadata: tenantMeta(tenant, "alerts"),
      spec: {
        receivers: receivers.map(receiverConfig),
        route: {
          groupBy: ["alertname"],
          receiver: first.name,
          routes: receivers.map((r) => ({ continue: true, receiver: r.name })),
        },
      },
    },
  ];
}

function receiverConfig(receiver: AlertReceiverSettings): Record<string, unknown> {
  const secret = (key: string) => ({ key, name: alertReceiverSecret(receiver.name) });
  switch (receiver.type) {
    case "webhook":
      return { name: receiver.name, webhookConfigs: [{ sendResolved: true, urlSecret: secret("url") }] };
    case "slack":
      return {
        name: receiver.name,
        slackConfigs: [{ apiURL: secret("url"), channel: receiver.channel, sendResolved: true }],
      };
    case "email":
      return {
        emailConfigs: [
          {
            authPassword: secret("password"),
            authUsername: receiver.from,
            from: receiver.from,
            sendResolved: true,
            smarthost: receiver.smarthost,
            to: receiver.to,
          },
        ],
        name: receiver.name,
      };
  }
}
