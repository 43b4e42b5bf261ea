/**
 * A tenant's dashboard in Grafana's dashboard JSON model: the product's rows, then what every
 * tenant has (its database, Redis, pods, quota, policy reports, logs). Every query names the
 * tenant's namespace; the tenant's datasource would confine it anyway (its metrics proxy).
 */
import { DATA, databaseInstancesRegex } from "../../../model/names.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import { ownsDatabaseServer, ownsServer } from "../../../model/data-services.js";
import { databaseName } from "../../../model/secrets.js";
import type { DashboardPanel, DashboardRow } from "../../../products/contract/builders.js";

/** The datasources of every tenant's Grafana, by uid. */
export const DATASOURCE = {
  metrics: { type: "prometheus", uid: "metrics" },
  logs: { type: "loki", uid: "logs" },
} as const;

/** Grafana's dashboard schema version the JSON is written in (Grafana 12). */
export const DASHBOARD_SCHEMA_VERSION = 41;

const PANEL_WIDTH = 8;
const PANEL_HEIGHT = 8;

/** The uid of the tenant's folder and of its dashboard in its own Grafana (one of each there). */
export function tenantUid(tenant: TenantModel): string {
  // Grafana's uids are at most 40 characters; a tenant name is at most 56.
  return `t-${tenant.name}`.slice(0, 40);
}

export function tenantDashboard(
  model: Model,
  tenant: TenantModel,
  productRows: readonly DashboardRow[],
): Record<string, unknown> {
  const rows = [...productRows, ...platformRows(model, tenant)];
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      id: id++,
      panels: [],
      title: row.title,
      type: "row",
    });
    y += 1;
    row.panels.forEach((panel, i) => {
      const x = (i % (24 / PANEL_WIDTH)) * PANEL_WIDTH;
      if (i > 0 && x === 0) y += PANEL_HEIGHT;
      panels.push(timeSeries(panel, id++, { h: PANEL_HEIGHT, w: PANEL_WIDTH, x, y }));
    });
    y += PANEL_HEIGHT;
  }
  panels.push({
    collapsed: false,
    gridPos: { h: 1, w: 24, x: 0, y },
    id: id++,
    panels: [],
    title: "Logs",
    type: "row",
  });
  panels.push({
    datasource: DATASOURCE.logs,
    gridPos: { h: 12, w: 24, x: 0, y: y + 1 },
    id: id++,
    options: {
      dedupStrategy: "none",
      enableLogDetails: true,
      prettifyLogMessage: false,
      showCommonLabels: false,
      showLabels: false,
      showLogContextToggle: true,
      showTime: true,
      sortOrder: "Descending",
      wrapLogMessage: true,
    },
    targets: [{ datasource: DATASOURCE.logs, expr: `{namespace="${tenant.namespace}"}`, refId: "A" }],
    title: "Logs of the tenant's pods",
    type: "logs",
  });
  return {
    annotations: { list: [] },
    editable: false,
    panels,
    refresh: "1m",
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    tags: ["tenantctl", tenant.product.name],
    templating: { list: [] },
    time: { from: "now-6h", to: "now" },
    timezone: "browser",
    title: `${tenant.name} · ${tenant.product.name}`,
    uid: tenantUid(tenant),
    version: 1,
  };
}

function timeSeries(
  panel: DashboardPanel,
  id: number,
  gridPos: Record<string, number>,
): Record<string, unknown> {
  return {
    datasource: DATASOURCE.metrics,
    ...(panel.description === undefined ? {} : { description: panel.description }),
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    gridPos,
    id,
    options: {
      legend: { calcs: [], displayMode: "list", placement: "bottom", showLegend: true },
      tooltip: { mode: "multi", sort: "none" },
    },
    targets: panel.targets.map((t, i) => ({
      datasource: DATASOURCE.metrics,
      expr: t.expr,
      legendFormat: t.legend,
      refId: String.fromCharCode(65 + i),
    })),
    title: panel.title,
    type: "timeseries",
  };
}

/** Rows every tenant has, whatever its product. */
export function platformRows(model: Model, tenant: TenantModel): DashboardRow[] {
  const ns = `namespace="${tenant.namespace}"`;
  const data: DashboardPanel[] = [];
  if (ownsDatabaseServer(tenant)) {
    const instances = databaseInstancesRegex(tenant.data.databaseCluster);
    const pods = `${ns},pod=~"${instances}"`;
    const volumes = `${ns},persistentvolumeclaim=~"${instances}"`;
    data.push(
      {
        title: "Database connections",
        unit: "short",
        targets: [{ expr: `sum(cnpg_backends_total{${pods}})`, legend: "connections" }],
      },
      {
        title: "Database size",
        unit: "bytes",
        targets: [
          {
            expr: `max(cnpg_pg_database_size_bytes{${pods},datname="${databaseName(tenant)}"})`,
            legend: "database",
          },
          {
            expr: `max(kubelet_volume_stats_used_bytes{${volumes}})`,
            legend: "volume used",
          },
          {
            expr: `max(kubelet_volume_stats_capacity_bytes{${volumes}})`,
            legend: "volume size",
          },
        ],
      },
    );
  }
  if (ownsServer(tenant.settings, tenant.product.dataServices, "redis"))
    data.push({
      title: "Redis memory",
      unit: "bytes",
      targets: [
        {
          expr: `sum(container_memory_working_set_bytes{${ns},pod=~"${DATA.redis}-.*",container="redis"})`,
          legend: "redis",
        },
      ],
    });
  const rows: DashboardRow[] = data.length > 0 ? [{ title: "Data", panels: data }] : [];
  const pods: DashboardPanel[] = [
    {
      title: "Container restarts (1 h)",
      unit: "short",
      targets: [
        {
          expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h]))`,
          legend: "{{pod}}",
        },
      ],
    },
    {
      title: "Quota used",
      unit: "percentunit",
      targets: [
        {
          expr: `max by (resource) (kube_resourcequota{${ns},type="used"} / ignoring(type) kube_resourcequota{${ns},type="hard"})`,
          legend: "{{resource}}",
        },
      ],
    },
  ];
  if (model.addons.some((a) => a.name === "policyReporter"))
    pods.push({
      title: "Policy violations",
      unit: "short",
      description: "Kyverno's policy report results that failed, from Policy Reporter.",
      targets: [
        { expr: `sum by (policy) (policy_report_result{${ns},status="fail"})`, legend: "{{policy}}" },
      ],
    });
  rows.push({ title: "Pods and quota", panels: pods });
  return rows;
}
