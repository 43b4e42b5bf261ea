import { N8N } from "../../../model/names.js";
import type { Model, TenantModel } from "../../../model/resolve.js";
import type { AlertRule, DashboardRow } from "../../contract/builders.js";

/**
 * n8n's metrics, alerts and dashboard. Prometheus scrapes main (queue gauges) and every worker
 * (executions run there: their counters and durations); every name used here is checked against
 * the /metrics of real n8n, main and worker, on each supported release (test/e2e/up.test.ts).
 */
export const QUEUE_BACKLOG_THRESHOLD = 100;
/** Share of executions failing over 15 minutes, with at least this many failures, that pages. */
export const FAILING_SHARE = 0.25;
export const FAILING_MIN_COUNT = 5;

const sel = (tenant: TenantModel, extra = "") => `{namespace="${tenant.namespace}"${extra}}`;

export function n8nAlertRules(tenant: TenantModel): AlertRule[] {
  const ns = sel(tenant);
  const worker = sel(tenant, `,deployment="${N8N.roles.worker}"`);
  // Jobs main counts across all workers: a failed job is an execution that crashed (not one
  // that ended in a workflow error). n8n's per-execution counters (event-bus metrics) did not
  // appear on a real 2.41.1 main or worker here, so nothing here depends on them.
  const failed = `sum(increase(n8n_scaling_mode_queue_jobs_failed${ns}[15m]))`;
  const completed = `sum(increase(n8n_scaling_mode_queue_jobs_completed${ns}[15m]))`;
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
      alert: "N8nExecutionsFailing",
      description: `More than ${FAILING_SHARE * 100} % of tenant ${tenant.name}'s queued executions failed over 15 minutes ({{ $value | humanizePercentage }}): crashed, timed out or ran out of memory on a worker.`,
      summary: "many n8n executions fail",
      // The share first: an alert's value is its left side's, and the description prints it.
      expr: `${failed} / (${completed} + ${failed}) > ${FAILING_SHARE} and ${failed} >= ${FAILING_MIN_COUNT}`,
      for: "5m",
      severity: "warning",
    },
    {
      alert: "N8nNoWorkerReady",
      description: `Tenant ${tenant.name} wants workers but none is ready: queued executions do not run.`,
      summary: "no n8n worker is ready",
      expr: `kube_deployment_status_replicas_available${worker} == 0 and kube_deployment_spec_replicas${worker} > 0`,
      for: "5m",
      severity: "critical",
    },
  ];
}

export function n8nDashboardRows(_model: Model, tenant: TenantModel): DashboardRow[] {
  const ns = sel(tenant);
  const perMinute = (metric: string) => `sum(rate(${metric}${ns}[5m])) * 60`;
  const deployment = (role: string) => sel(tenant, `,deployment="${role}"`);
  return [
    {
      title: "Executions",
      panels: [
        {
          title: "Executions per minute",
          unit: "short",
          targets: [
            { expr: perMinute("n8n_scaling_mode_queue_jobs_completed"), legend: "completed" },
            { expr: perMinute("n8n_scaling_mode_queue_jobs_failed"), legend: "failed" },
          ],
        },
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
