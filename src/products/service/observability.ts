/**
 * A service product's alerts and dashboard, from what every product has: its Deployments
 * (kube-state-metrics), its queue autoscalers (KEDA's view of each queue) and, behind
 * ingress-nginx, its requests. An application's own /metrics are its authors' to chart.
 */
import { namespaceSelector } from "../../lib/promql.js";
import { componentWorkload } from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import type { AlertRule, DashboardRow } from "../contract/builders.js";
import { componentSpec } from "./kubernetes/workloads.js";

/** KEDA labels a scaler's metric with the scaler's Go type (`%T` of *scalers.rabbitMQScaler). */
export const KEDA_RABBITMQ_SCALER = "rabbitMQScaler";

const sel = (tenant: TenantModel, more = "") => namespaceSelector(tenant.namespace, more);

export function serviceAlertRules(_model: Model, tenant: TenantModel): AlertRule[] {
  return tenant.product.workloads
    .filter((w) => w.min > 0)
    .map((w) => {
      const deployment = sel(tenant, `,deployment="${componentWorkload(tenant.product.name, w.component)}"`);
      return {
        alert: "ComponentUnavailable",
        description: `No pod of ${w.component} (tenant ${tenant.name}) has been ready for 5 minutes.`,
        summary: `${w.component} is down`,
        expr: `kube_deployment_status_replicas_available${deployment} == 0 and kube_deployment_spec_replicas${deployment} > 0`,
        for: "5m",
        severity: "critical",
      };
    });
}

export function serviceDashboardRows(model: Model, tenant: TenantModel): DashboardRow[] {
  const product = tenant.product.name;
  const rows: DashboardRow[] = [];
  if (model.ingress.className === "nginx" && tenant.product.workloads.some((w) => w.public)) {
    // ingress-nginx labels a request with its Ingress's namespace (kept with honorLabels: README).
    const ingress = sel(tenant);
    rows.push({
      title: "Requests (ingress)",
      panels: [
        {
          title: "Requests per second",
          unit: "reqps",
          targets: [
            {
              expr: `sum by (service) (rate(nginx_ingress_controller_requests${ingress}[5m]))`,
              legend: "{{service}}",
            },
          ],
        },
        {
          title: "Server errors",
          unit: "percentunit",
          targets: [
            {
              expr: `sum by (service) (rate(nginx_ingress_controller_requests${sel(tenant, ',status=~"5.."')}[5m])) / sum by (service) (rate(nginx_ingress_controller_requests${ingress}[5m]))`,
              legend: "{{service}}",
            },
          ],
        },
        {
          title: "Latency p95",
          unit: "s",
          targets: [
            {
              expr: `histogram_quantile(0.95, sum by (le, service) (rate(nginx_ingress_controller_request_duration_seconds_bucket${ingress}[5m])))`,
              legend: "{{service}}",
            },
          ],
        },
      ],
    });
  }
  const queued = tenant.product.workloads.filter(
    (w) => componentSpec(tenant, w.component).autoscaling?.rabbitmq,
  );
  if (queued.length > 0) {
    rows.push({
      title: "Queues",
      panels: [
        {
          title: "Messages waiting, per queue",
          unit: "short",
          description: "What KEDA reads from RabbitMQ for each queue consumer's autoscaler.",
          targets: [
            {
              expr: `sum by (scaledObject) (keda_scaler_metrics_value${sel(tenant, `,scaler="${KEDA_RABBITMQ_SCALER}"`)})`,
              legend: "{{scaledObject}}",
            },
          ],
        },
      ],
    });
  }
  rows.push({
    title: "Components",
    panels: [
      {
        title: "Pods ready vs desired",
        unit: "short",
        targets: tenant.product.workloads.flatMap((w) => {
          const deployment = sel(tenant, `,deployment="${componentWorkload(product, w.component)}"`);
          return [
            {
              expr: `sum(kube_deployment_status_replicas_available${deployment})`,
              legend: `${w.component} ready`,
            },
            { expr: `sum(kube_deployment_spec_replicas${deployment})`, legend: `${w.component} desired` },
          ];
        }),
      },
    ],
  });
  return rows;
}
