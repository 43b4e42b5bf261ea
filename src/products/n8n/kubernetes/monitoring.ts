import { ownsDatabaseServer } from "../../../model/data-services.js";
import { N8N } from "../../../model/names.js";
import { namespaceSelector } from "../../../lib/promql.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import type { AlertRule, DashboardRow } from "../../contract/builders.js";
import { EXECUTIONS_FINISHED, EXECUTIONS_P95 } from "../database-metrics.js";

/**
 * n8n's metrics, alerts and dashboard. Prometheus scrapes main (queue gauges) and every worker
 * (executions run there: their counters and durations); every name used here is checked against
 * the /metrics of real n8n, main and worker, on each supported release (test/e2e/up.test.ts).
 */
export const QUEUE_BACKLOG_THRESHOLD = 100;
/** Share of executions failing over 15 minutes, with at least this many failures, that pages. */
export const FAILING_SHARE = 0.25;
export const FAILING_MIN_COUNT = 5;

const sel = (tenant: TenantModel, more = "") => namespaceSelector(tenant.namespace, more);

export function n8nAlertRules(tenant: TenantModel): AlertRule[] {
  const ns = sel(tenant);
  const worker = sel(tenant, `,deployment="${N8N.roles.worker}"`);
  return [
    {
      alert: "N8nQueueBacklog",
      description: `More than ${QUEUE_BACKLOG_THRESHOLD} executions of tenant ${tenant.name} have waited in the queue for 10 minutes; workers are at their maximum or failing.`,
      summary: "n8n jobs are waiting in the queue",
      expr: `sum(n8n_scaling_mode_queue_jobs_waiting${ns}) > ${QUEUE_BACKLOG_THRESHOLD}`,
      for: "10m",
      severity: "warning",
    },
    {
      alert: "N8nQueueStuck",
      description: `Executions of tenant ${tenant.name} wait in the queue and none has finished for 15 minutes: workers are stuck or cannot reach Redis or the database.`,
      summary: "the n8n queue does not move",
      expr: `sum(n8n_scaling_mode_queue_jobs_waiting${ns}) > 0 and sum(increase(n8n_scaling_mode_queue_jobs_completed${ns}[15m])) + sum(increase(n8n_scaling_mode_queue_jobs_failed${ns}[15m])) == 0`,
      for: "15m",
      severity: "critical",
    },
    {
      alert: "N8nNoWorkerReady",
      description: `Tenant ${tenant.name} wants workers but none is ready: queued executions do not run.`,
      summary: "no n8n worker is ready",
      expr: `kube_deployment_status_replicas_available${worker} == 0 and kube_deployment_spec_replicas${worker} > 0`,
      for: "5m",
      severity: "critical",
    },
    ...(readsExecutions(tenant) ? [executionsFailing(tenant)] : []),
  ];
}

/** Whether its own server's exporter reads its executions (database-metrics.ts): a CloudNativePG server of its own. */
function readsExecutions(tenant: TenantModel): boolean {
  return ownsDatabaseServer(tenant);
}

/** Executions that ended in the last 15 minutes, by status (one instance's answer: replicas would repeat it). */
function finished(tenant: TenantModel, status?: string): string {
  return `sum(max by (status) (${EXECUTIONS_FINISHED}${sel(tenant, status === undefined ? "" : `,status=~"${status}"`)}))`;
}

function executionsFailing(tenant: TenantModel): AlertRule {
  const failed = finished(tenant, FAILED_STATUSES);
  return {
    alert: "N8nExecutionsFailing",
    description: `More than ${FAILING_SHARE * 100} % of tenant ${tenant.name}'s executions of the last 15 minutes failed ({{ $value | humanizePercentage }}).`,
    summary: "many n8n executions fail",
    // The share first: an alert's value is its left side's, and the description prints it.
    expr: `${failed} / ${finished(tenant)} > ${FAILING_SHARE} and ${failed} >= ${FAILING_MIN_COUNT}`,
    for: "5m",
    severity: "warning",
  };
}

/** Statuses of an execution that did not succeed on its own (n8n's ExecutionStatus). */
const FAILED_STATUSES = "error|crashed";

export function n8nDashboardRows(_model: Model, tenant: TenantModel): DashboardRow[] {
  const ns = sel(tenant);
  const perMinute = (metric: string) => `sum(rate(${metric}${ns}[5m])) * 60`;
  const deployment = (role: string) => sel(tenant, `,deployment="${role}"`);
  return [
    {
      title: "Executions",
      panels: [
        {
          title: "Queue jobs per minute",
          unit: "short",
          description:
            "Queue jobs per minute, as main counts them: an execution that ends in a workflow error is a completed job; a failed job crashed.",
          targets: [
            { expr: perMinute("n8n_scaling_mode_queue_jobs_completed"), legend: "completed" },
            { expr: perMinute("n8n_scaling_mode_queue_jobs_failed"), legend: "failed" },
          ],
        },
        ...(readsExecutions(tenant)
          ? [
              {
                title: "Executions ended (15 min), by status",
                unit: "short",
                targets: [{ expr: `max by (status) (${EXECUTIONS_FINISHED}${ns})`, legend: "{{status}}" }],
              },
              {
                title: "Execution duration p95 (15 min)",
                unit: "s",
                targets: [{ expr: `max by (status) (${EXECUTIONS_P95}${ns})`, legend: "{{status}}" }],
              },
            ]
          : []),
      ],
    },
    {
      title: "Queue and workers",
      panels: [
        {
          title: "Queue",
          unit: "short",
          targets: [
            { expr: `sum(n8n_scaling_mode_queue_jobs_waiting${ns})`, legend: "waiting" },
            { expr: `sum(n8n_scaling_mode_queue_jobs_active${ns})`, legend: "active" },
          ],
        },
        {
          title: "Workers",
          unit: "short",
          targets: [
            {
              expr: `sum(kube_deployment_status_replicas_available${deployment(N8N.roles.worker)})`,
              legend: "ready",
            },
            { expr: `sum(kube_deployment_spec_replicas${deployment(N8N.roles.worker)})`, legend: "desired" },
          ],
        },
      ],
    },
  ];
}
