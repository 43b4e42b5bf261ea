import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { productStack } from "../../src/products/stacks.js";
import { renderTenantMonitoring } from "../../src/render/kubernetes/observability.js";
import { validSpec } from "../support/example.js";
import { exampleWith } from "../support/spec-text.js";

/**
 * The alerts of a tenant (its product's and the platform's) through Prometheus's own promtool:
 * `check rules`, then a unit test per alert that fires on series that should page, and one
 * that stays silent on series that should not, with the labels Alertmanager routes by.
 */
const PROMTOOL =
  process.env.TENANTCTL_PROMTOOL ?? join(homedir(), ".cache/tenantctl/promtool-v0.316.0/bin/promtool");

const model = resolve(
  validSpec(
    exampleWith((doc) =>
      doc.set(
        "ingress",
        doc.createNode({ className: "nginx", tls: "cert-manager", clusterIssuer: "letsencrypt" }),
      ),
    ),
  ),
);
const tenant = model.tenants.find((t) => t.name === "initech");
if (tenant === undefined) throw new Error("initech is not in the example");
const rule = renderTenantMonitoring(
  model,
  tenant,
  productStack(tenant.product.kind).alertRules(model, tenant),
).find((o) => o.kind === "PrometheusRule");
const groups = (
  rule?.spec as {
    groups: {
      rules: { alert: string; labels: Record<string, string>; annotations: Record<string, string> }[];
    }[];
  }
).groups;
const ns = tenant.namespace;

interface Case {
  alert: string;
  /** Series in promtool's expanding notation. */
  series: Record<string, string>;
  at: string;
  /** Labels the alert keeps from its series (beside the rule's own). */
  labels?: Record<string, string>;
  /** Its value as the description prints it (humanizePercentage). */
  value?: string;
}
const s = (name: string, labels: Record<string, string> = {}) =>
  `${name}{${Object.entries({ namespace: ns, ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
const worker = { deployment: "n8n-worker" };
const quota = (type: string) => ({ resource: "cpu", resourcequota: "tenant-quota", type });
const pvc = { persistentvolumeclaim: "n8n-db-1" };
const db = { pod: "n8n-db-1" };

/** Per alert: series that page, and series that do not. */
const CASES: { fires: Case; silent: Case }[] = [
  {
    fires: {
      alert: "N8nQueueBacklog",
      series: { [s("n8n_scaling_mode_queue_jobs_waiting")]: "150x30" },
      at: "15m",
    },
    silent: {
      alert: "N8nQueueBacklog",
      series: { [s("n8n_scaling_mode_queue_jobs_waiting")]: "50x30" },
      at: "15m",
    },
  },
  {
    fires: {
      alert: "N8nQueueStuck",
      series: {
        [s("n8n_scaling_mode_queue_jobs_waiting")]: "5x60",
        [s("n8n_scaling_mode_queue_jobs_completed")]: "10x60",
        [s("n8n_scaling_mode_queue_jobs_failed")]: "0x60",
      },
      at: "40m",
    },
    silent: {
      alert: "N8nQueueStuck",
      series: {
        [s("n8n_scaling_mode_queue_jobs_waiting")]: "5x60",
        [s("n8n_scaling_mode_queue_jobs_completed")]: "10+1x60",
        [s("n8n_scaling_mode_queue_jobs_failed")]: "0x60",
      },
      at: "40m",
    },
  },
  {
    fires: {
      alert: "N8nNoWorkerReady",
      series: {
        [s("kube_deployment_status_replicas_available", worker)]: "0x30",
        [s("kube_deployment_spec_replicas", worker)]: "2x30",
      },
      at: "10m",
      labels: worker,
    },
    silent: {
      alert: "N8nNoWorkerReady",
      series: {
        [s("kube_deployment_status_replicas_available", worker)]: "0x30",
        [s("kube_deployment_spec_replicas", worker)]: "0x30",
      },
      at: "10m",
    },
  },
  {
    fires: {
      alert: "N8nExecutionsFailing",
      series: {
        [s("cnpg_n8n_executions_finished", { ...db, status: "success" })]: "10x40",
        [s("cnpg_n8n_executions_finished", { ...db, status: "error" })]: "8x40",
        [s("cnpg_n8n_executions_finished", { ...db, status: "crashed" })]: "2x40",
      },
      at: "10m",
      value: "50%",
    },
    silent: {
      alert: "N8nExecutionsFailing",
      series: {
        [s("cnpg_n8n_executions_finished", { ...db, status: "success" })]: "40x40",
        [s("cnpg_n8n_executions_finished", { ...db, status: "error" })]: "4x40",
      },
      at: "10m",
    },
  },
  {
    fires: {
      alert: "TenantQuotaUsageHigh",
      series: {
        [s("kube_resourcequota", quota("used"))]: "3.5x40",
        [s("kube_resourcequota", quota("hard"))]: "4x40",
      },
      at: "20m",
      labels: { resource: "cpu", resourcequota: "tenant-quota" },
    },
    silent: {
      alert: "TenantQuotaUsageHigh",
      series: {
        [s("kube_resourcequota", quota("used"))]: "1x40",
        [s("kube_resourcequota", quota("hard"))]: "4x40",
      },
      at: "20m",
    },
  },
  {
    fires: {
      alert: "TenantDatabaseNotReady",
      series: { [s("kube_pod_status_ready", { ...db, condition: "true" })]: "0x30" },
      at: "10m",
    },
    silent: {
      alert: "TenantDatabaseNotReady",
      series: { [s("kube_pod_status_ready", { ...db, condition: "true" })]: "1x30" },
      at: "10m",
    },
  },
  {
    fires: {
      alert: "TenantDatabaseNearlyFull",
      series: {
        [s("kubelet_volume_stats_used_bytes", pvc)]: "9x40",
        [s("kubelet_volume_stats_capacity_bytes", pvc)]: "10x40",
      },
      at: "20m",
      labels: pvc,
    },
    silent: {
      alert: "TenantDatabaseNearlyFull",
      series: {
        [s("kubelet_volume_stats_used_bytes", pvc)]: "5x40",
        [s("kubelet_volume_stats_capacity_bytes", pvc)]: "10x40",
      },
      at: "20m",
    },
  },
  {
    fires: {
      alert: "TenantBackupFailing",
      series: {
        [s("cnpg_collector_last_failed_backup_timestamp", db)]: "200x60",
        [s("cnpg_collector_last_available_backup_timestamp", db)]: "100x60",
      },
      at: "40m",
    },
    silent: {
      alert: "TenantBackupFailing",
      series: {
        [s("cnpg_collector_last_failed_backup_timestamp", db)]: "0x60",
        [s("cnpg_collector_last_available_backup_timestamp", db)]: "100x60",
      },
      at: "40m",
    },
  },
  {
    fires: {
      alert: "TenantCertificateExpiring",
      series: {
        [s("certmanager_certificate_expiration_timestamp_seconds", { name: "n8n-tls" })]: "93600x150",
      },
      at: "2h",
      labels: { name: "n8n-tls" },
    },
    silent: {
      alert: "TenantCertificateExpiring",
      series: {
        [s("certmanager_certificate_expiration_timestamp_seconds", { name: "n8n-tls" })]: "100000000x150",
      },
      at: "2h",
    },
  },
];

const dir = mkdtempSync(join(tmpdir(), "tenantctl-promtool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { encoding: "utf8", cwd: dir, stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

describe("tenant alerts through promtool", () => {
  it("has promtool (scripts/test builds it)", () => {
    expect(existsSync(PROMTOOL), `${PROMTOOL}: run bash scripts/go-install.sh promtool …`).toBe(true);
  });

  it("renders every alert the cases cover, and each carries the tenant's namespace", () => {
    const alerts = groups.flatMap((g) => g.rules.map((r) => r.alert)).sort();
    expect(alerts).toEqual([...new Set(CASES.map((c) => c.fires.alert))].sort());
    for (const r of groups.flatMap((g) => g.rules)) expect(r.labels.namespace).toBe(ns);
  });

  it("passes promtool check rules", () => {
    writeFileSync(join(dir, "rules.yaml"), JSON.stringify({ groups }));
    expect(promtool("check", "rules", "rules.yaml")).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("fires each alert on series that should page, with the labels Alertmanager routes by, and stays silent otherwise", () => {
    const ruleOf = (alert: string) => groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
    const test = (c: Case, firing: boolean) => ({
      interval: "1m",
      input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
      alert_rule_test: [
        {
          eval_time: c.at,
          alertname: c.alert,
          exp_alerts: firing
            ? [{ exp_labels: { ...ruleOf(c.alert)?.labels, ...c.labels }, exp_annotations: expanded(c) }]
            : [],
        },
      ],
    });
    // The annotations as Alertmanager will send them: templates filled from the alert's labels and value.
    const expanded = (c: Case) => {
      const labels: Record<string, string> = { ...ruleOf(c.alert)?.labels, ...c.labels };
      return Object.fromEntries(
        Object.entries(ruleOf(c.alert)?.annotations ?? {}).map(([k, v]) => [
          k,
          v
            .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? "")
            .replace(/\{\{ \$value \| humanizePercentage \}\}/g, c.value ?? ""),
        ]),
      );
    };
    writeFileSync(join(dir, "rules.yaml"), JSON.stringify({ groups }));
    writeFileSync(
      join(dir, "tests.yaml"),
      JSON.stringify({
        rule_files: ["rules.yaml"],
        evaluation_interval: "1m",
        tests: CASES.flatMap((c) => [test(c.fires, true), test(c.silent, false)]),
      }),
    );
    expect(promtool("test", "rules", "tests.yaml")).toContain("SUCCESS");
  });
});
