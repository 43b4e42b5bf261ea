import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { metricNames } from "../../src/lib/promql.js";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { observabilityNamespace } from "../../src/model/names.js";
import { PRODUCTS_SPEC } from "../support/platforms.js";
import { exampleSpecText, exampleWith } from "../support/spec-text.js";
import { validSpec } from "../support/example.js";
import { render } from "../../src/render/render.js";

/**
 * Every metric name the tenants' alerts and dashboards use comes from somewhere real:
 * - n8n's: the /metrics of a real main and worker (test/e2e/up.test.ts);
 * - CloudNativePG's: computed as its instance manager names them, `cnpg_<query>_<column>`, from
 *   its own default queries (config/manager/default-monitoring.yaml) and the product's custom
 *   queries, and its collector's from its source;
 * - the kubelet's, cAdvisor's, cert-manager's and KEDA's: found in their sources at the versions
 *   this machine builds or pins, from the Go module proxy.
 * kube-state-metrics, ingress-nginx and Policy Reporter are not on the module proxy: their
 * names are listed here from their documentation, and said so.
 */
const goModule = (path: string): string =>
  (
    JSON.parse(execFileSync("go", ["mod", "download", "-json", path], { encoding: "utf8", cwd: "/tmp" })) as {
      Dir: string;
    }
  ).Dir;

function sourceHas(dir: string, sub: string, pattern: RegExp): boolean {
  const walk = (d: string): boolean =>
    readdirSync(d).some((name) => {
      const p = join(d, name);
      if (statSync(p).isDirectory()) return walk(p);
      return name.endsWith(".go") && pattern.test(readFileSync(p, "utf8"));
    });
  return walk(join(dir, sub));
}

/** What proves a name: a module, a directory in it, and what its source must say. */
const FROM_SOURCE: Record<string, { module: string; dir: string; says: RegExp[] }> = {
  cnpg_collector_last_failed_backup_timestamp: {
    module: "github.com/cloudnative-pg/cloudnative-pg@v1.28.1",
    dir: "pkg/management/postgres/webserver/metricserver",
    says: [
      /PrometheusNamespace = "cnpg"/,
      /subsystem := "collector"/,
      /Name: +"last_failed_backup_timestamp"/,
    ],
  },
  cnpg_collector_last_available_backup_timestamp: {
    module: "github.com/cloudnative-pg/cloudnative-pg@v1.28.1",
    dir: "pkg/management/postgres/webserver/metricserver",
    says: [/subsystem := "collector"/, /Name: +"last_available_backup_timestamp"/],
  },
  kubelet_volume_stats_used_bytes: {
    module: "k8s.io/kubernetes@v1.34.4",
    dir: "pkg/kubelet/metrics",
    says: [/KubeletSubsystem += "kubelet"/, /VolumeStatsUsedBytesKey += "volume_stats_used_bytes"/],
  },
  kubelet_volume_stats_capacity_bytes: {
    module: "k8s.io/kubernetes@v1.34.4",
    dir: "pkg/kubelet/metrics",
    says: [/VolumeStatsCapacityBytesKey += "volume_stats_capacity_bytes"/],
  },
  container_memory_working_set_bytes: {
    module: "github.com/google/cadvisor@v0.52.1",
    dir: "metrics",
    says: [/name: +"container_memory_working_set_bytes"/],
  },
  certmanager_certificate_expiration_timestamp_seconds: {
    module: "github.com/cert-manager/cert-manager@v1.19.1",
    dir: "pkg/metrics",
    says: [/certmanager_certificate_expiration_timestamp_seconds\{[^}]*name="[^"]*"[^}]*namespace=/],
  },
  keda_scaler_metrics_value: {
    module: "github.com/kedacore/keda/v2@v2.18.1",
    dir: "pkg",
    says: [
      /Subsystem: +"scaler",\s+Name: +"metrics_value"/,
      /metricLabels += \[\]string\{"namespace", "metric", "scaledObject", "scaler"/,
      /type rabbitMQScaler struct/,
    ],
  },
};

/** Not on the Go module proxy: from their documentation. */
const DOCUMENTED = new Set([
  "kube_deployment_status_replicas_available",
  "kube_deployment_spec_replicas",
  "kube_pod_status_ready",
  "kube_pod_container_status_restarts_total",
  "kube_resourcequota",
  "nginx_ingress_controller_requests",
  "nginx_ingress_controller_request_duration_seconds_bucket",
  "policy_report_result",
]);

/** Every PromQL expression of the alerts and dashboards rendered for these platforms. */
function expressions(objects: readonly { object: KubernetesObject }[], namespace: string): string[] {
  const out: string[] = [];
  for (const { object } of objects) {
    if (object.kind === "PrometheusRule")
      for (const g of (object.spec as { groups: { rules: { expr: string }[] }[] }).groups)
        for (const r of g.rules) out.push(r.expr);
    if (object.kind === "ConfigMap" && object.metadata.namespace === namespace)
      for (const [key, text] of Object.entries((object as unknown as { data: Record<string, string> }).data))
        if (key.endsWith(".json"))
          for (const p of (JSON.parse(text) as { panels: { targets?: { expr: string }[] }[] }).panels)
            for (const t of p.targets ?? []) if (!t.expr.startsWith("{")) out.push(t.expr);
  }
  return out;
}

/** Names CloudNativePG's exporter makes of custom queries: cnpg_<query>_<column>, for gauges and counters. */
function cnpgNames(queries: Record<string, { metrics: Record<string, { usage: string }>[] }>): Set<string> {
  const out = new Set<string>();
  for (const [query, q] of Object.entries(queries))
    for (const metric of q.metrics)
      for (const [column, m] of Object.entries(metric))
        if (m.usage === "GAUGE" || m.usage === "COUNTER") out.add(`cnpg_${query}_${column}`);
  return out;
}

describe("where each metric of the alerts and dashboards comes from", () => {
  const products = parseDocument(readFileSync(PRODUCTS_SPEC, "utf8"));
  products.set(
    "ingress",
    products.createNode({ className: "nginx", tls: "cert-manager", clusterIssuer: "le" }),
  );
  const texts = [
    exampleSpecText(),
    readFileSync(PRODUCTS_SPEC, "utf8"),
    // The generic products' request panels exist behind ingress-nginx only.
    products.toString(),
    exampleWith((doc) => {
      doc.set("ingress", doc.createNode({ className: "nginx", tls: "cert-manager", clusterIssuer: "le" }));
      doc.set("addons", doc.createNode({ kyverno: true, policyReporter: true }));
    }),
  ];
  const variants = texts.map((text) => {
    const spec = validSpec(text);
    return { namespace: observabilityNamespace(spec.metadata.name), objects: render(spec) };
  });
  const objects = variants.flatMap((v) => v.objects);
  const names = [
    ...new Set(variants.flatMap((v) => expressions(v.objects, v.namespace)).flatMap(metricNames)),
  ].sort();
  const cnpg = goModule("github.com/cloudnative-pg/cloudnative-pg@v1.28.1");
  const defaultQueries = parse(
    (
      parse(readFileSync(join(cnpg, "config/manager/default-monitoring.yaml"), "utf8")) as {
        data: { queries: string };
      }
    ).data.queries,
  );
  const productQueries = objects
    .filter((o) => o.object.kind === "ConfigMap" && o.object.metadata.name.endsWith("-db-monitoring"))
    .map((o) => parse((o.object as unknown as { data: { queries: string } }).data.queries));
  const fromQueries = new Set(
    [cnpgNames(defaultQueries), ...productQueries.map(cnpgNames)].flatMap((s) => [...s]),
  );

  it("knows every name: n8n's (scraped), CloudNativePG's queries, a source, or the documented few", () => {
    expect(names.length).toBeGreaterThan(15);
    // Every kind of panel is among them: n8n's, a generic product's (ingress, queue), every tenant's.
    for (const n of [
      "n8n_scaling_mode_queue_jobs_waiting",
      "nginx_ingress_controller_requests",
      "keda_scaler_metrics_value",
      "container_memory_working_set_bytes",
      "policy_report_result",
    ])
      expect(names).toContain(n);
    const unknown = names.filter(
      (n) => !n.startsWith("n8n_") && !fromQueries.has(n) && !(n in FROM_SOURCE) && !DOCUMENTED.has(n),
    );
    expect(unknown).toEqual([]);
    // The product's own queries are what the dashboards read of the executions.
    expect(names).toContain("cnpg_n8n_executions_finished");
    expect(fromQueries.has("cnpg_n8n_executions_finished")).toBe(true);
    expect(fromQueries.has("cnpg_pg_database_size_bytes") && fromQueries.has("cnpg_backends_total")).toBe(
      true,
    );
  });

  for (const [name, source] of Object.entries(FROM_SOURCE))
    it(`${name}: in ${source.module}`, () => {
      const dir = goModule(source.module);
      for (const says of source.says) expect(sourceHas(dir, source.dir, says), String(says)).toBe(true);
    });
});
