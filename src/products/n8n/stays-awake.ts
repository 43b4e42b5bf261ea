/**
 * What keeps an n8n tenant from sleeping. Only main runs schedules (Schedule, Cron, Interval),
 * polling triggers (a node with `pollTimes`) and triggers that hold a connection of their own
 * (IMAP, message queues, file watchers, server-sent events, n8n's own events); webhooks reach
 * the webhook processors, which the front door wakes. So an active workflow with any of those
 * needs main up, and so does an execution under way or waiting (a Wait node resumes on main's
 * timer). n8n 2.x runs a workflow's published version (workflow_history by activeVersionId),
 * which may differ from its draft: both are looked at.
 */
import type { TenantModel } from "../../model/resolve.js";
import { compareVersions } from "../../versions.js";

const MAIN_TRIGGERS = [
  "scheduleTrigger",
  "cron",
  "interval",
  "emailReadImap",
  "localFileTrigger",
  "sseTrigger",
  "n8nTrigger",
  "rabbitmqTrigger",
  "amqpTrigger",
  "kafkaTrigger",
  "mqttTrigger",
  "redisTrigger",
  "postgresTrigger",
].map((t) => `'n8n-nodes-base.${t}'`);

export function n8nStaysAwakeQuery(tenant: TenantModel): string {
  const published = compareVersions(tenant.settings.n8n.version, "2.0.0") >= 0;
  const nodes = published
    ? `SELECT w.nodes::json UNION ALL SELECT h.nodes::json FROM workflow_history h WHERE h."versionId" = w."activeVersionId"`
    : "SELECT w.nodes::json";
  return `
SELECT w.name AS name, 'runs on main: a schedule, polling or connection trigger' AS why
  FROM workflow_entity w
 WHERE w.active AND EXISTS (
   SELECT 1 FROM (${nodes}) AS versions(nodes), json_array_elements(versions.nodes) AS n
    WHERE coalesce(n->>'disabled', 'false') <> 'true'
      AND (n->>'type' IN (${MAIN_TRIGGERS.join(", ")}) OR n->'parameters'->'pollTimes' IS NOT NULL))
UNION
SELECT w.name, 'has an execution ' || e.status || CASE WHEN e."waitTill" IS NULL THEN '' ELSE ' until ' || to_char(e."waitTill" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') END
  FROM execution_entity e JOIN workflow_entity w ON w.id = e."workflowId"
 WHERE e.status IN ('new', 'running', 'waiting') AND e."deletedAt" IS NULL
ORDER BY 1, 2`;
}
