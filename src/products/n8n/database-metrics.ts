/**
 * What n8n's own /metrics cannot say in queue mode, read from its database by the tenant's
 * PostgreSQL exporter (CloudNativePG's instance manager, custom queries): how many executions
 * ended in the last 15 minutes, by status, and how long they took. Checked on real n8n
 * 2.41.1 and 1.123.81 (test/e2e/up.test.ts): their workers count nodes and dequeued jobs but
 * emit no per-execution counters or durations, and main's queue counters count a workflow
 * that ends in an error as completed.
 *
 * CloudNativePG runs custom queries as `postgres` with the role pg_monitor, which may not read
 * the tenant's tables: a function of the tenant's own (SECURITY DEFINER, owned by its role,
 * created when the database is) hands pg_monitor the counts and nothing else.
 */
import type { TenantModel } from "../../model/resolve.js";
import type { DatabaseMetrics } from "../contract/builders.js";

export const EXECUTIONS_WINDOW_SECONDS = 900;
export const EXECUTION_COUNTS_FUNCTION = "public.tenantctl_execution_counts";
/** `cnpg_` + query name + column: what Prometheus sees. */
export const EXECUTIONS_FINISHED = "cnpg_n8n_executions_finished";
export const EXECUTIONS_P95 = "cnpg_n8n_executions_duration_p95_seconds";

export function executionCountsSql(owner: string): string[] {
  const fn = `${EXECUTION_COUNTS_FUNCTION}(integer)`;
  return [
    `CREATE OR REPLACE FUNCTION ${EXECUTION_COUNTS_FUNCTION}(window_seconds integer)
RETURNS TABLE(status text, finished bigint, duration_p95_seconds double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  RETURN QUERY
    SELECT e.status::text,
           count(*),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e."stoppedAt" - e."startedAt"))::double precision
      FROM public.execution_entity e
     WHERE e."stoppedAt" > now() - make_interval(secs => window_seconds)
     GROUP BY e.status;
END
$$`,
    `ALTER FUNCTION ${fn} OWNER TO "${owner.replaceAll('"', '""')}"`,
    `REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION ${fn} TO pg_monitor`,
  ];
}

/** The exporter's query (postgres_exporter's format, as CloudNativePG reads it). */
export const EXECUTIONS_QUERY = `SELECT status, finished, duration_p95_seconds FROM ${EXECUTION_COUNTS_FUNCTION}(${EXECUTIONS_WINDOW_SECONDS})`;

export function n8nDatabaseMetrics(tenant: TenantModel, databaseName: string): DatabaseMetrics {
  return {
    setupSql: executionCountsSql(tenant.data.databaseOwner),
    queries: {
      n8n_executions: {
        query: EXECUTIONS_QUERY,
        primary: true,
        target_databases: [databaseName],
        metrics: [
          {
            status: {
              usage: "LABEL",
              description: "How the executions ended: success, error, crashed, canceled",
            },
          },
          { finished: { usage: "GAUGE", description: "Executions that ended in the last 15 minutes" } },
          {
            duration_p95_seconds: {
              usage: "GAUGE",
              description: "95th percentile of their duration, in seconds",
            },
          },
        ],
      },
    },
  };
}
