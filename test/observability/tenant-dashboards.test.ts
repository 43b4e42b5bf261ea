import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsProxyUrl, tenantGrafana, tenantMetricsProxy } from "../../src/model/names.js";
import type { RenderedObject } from "../../src/manifest/rendered.js";
import { platform } from "../support/platforms.js";
import {
  instantQuery,
  type MetricsStack,
  PROM_LABEL_PROXY,
  PROMETHEUS,
  startMetricsStack,
} from "../support/metrics-stack.js";

/**
 * The tenants' dashboards against the real consumers: Grafana's dashboard model (the Grafana
 * Foundation SDK's types, decoding strictly), and every panel's query run by a real Prometheus
 * through the tenant's real prom-label-proxy, started with the arguments of its rendered
 * Deployment, beside another tenant's series that it must never return.
 */
const CHECKER =
  process.env.TENANTCTL_GRAFANA_DASHBOARD ??
  join(homedir(), ".cache/tenantctl/grafana-dashboard-v0.0.22/bin/grafana-dashboard");

function dashboardsOf(objects: readonly RenderedObject[]): Record<string, unknown>[] {
  return objects
    .filter(
      (o) =>
        o.object.kind === "ConfigMap" &&
        o.object.metadata.namespace?.startsWith("observability-") &&
        o.object.metadata.name.endsWith("-dashboards"),
    )
    .flatMap((o) => Object.values((o.object as unknown as { data: Record<string, string> }).data))
    .map((text) => JSON.parse(text) as Record<string, unknown>);
}

function check(dashboards: readonly unknown[]): { title: string; errors: string[] }[] {
  return JSON.parse(execFileSync(CHECKER, { input: JSON.stringify(dashboards), encoding: "utf8" }));
}

describe("tenant dashboards in Grafana's dashboard model", () => {
  it("has the checker (scripts/test builds it)", () => {
    expect(existsSync(CHECKER), CHECKER).toBe(true);
  });

  for (const name of ["example", "products"] as const) {
    it(`${name}: every tenant's dashboard decodes strictly, panels and queries included`, () => {
      const { model, objects } = platform(name);
      const dashboards = dashboardsOf(objects);
      expect(dashboards.length).toBe(model.tenants.length);
      for (const r of check(dashboards)) expect(r.errors, r.title).toEqual([]);
    });
  }

  it("fails a dashboard with a misspelt panel field or a value of the wrong type", () => {
    const [dashboard] = dashboardsOf(platform("example").objects);
    const panels = (dashboard?.panels ?? []) as Record<string, unknown>[];
    const broken = {
      ...dashboard,
      panels: panels.map((p, i) => (i === 1 ? { ...p, targetz: p.targets, gridPos: "wide" } : p)),
    };
    const [result] = check([broken]);
    expect(result?.errors.join("\n")).toMatch(/targetz/);
    expect(result?.errors.join("\n")).toMatch(/gridPos/);
  });
});

describe("a tenant's metrics datasource: real Prometheus behind its prom-label-proxy", () => {
  const { model, objects } = platform("example");
  const tenant = model.tenants.find((t) => t.name === "initech");
  const other = model.tenants.find((t) => t.name === "ops");
  if (tenant === undefined || other === undefined) throw new Error("example tenants");
  const dashboard = dashboardsOf(objects).find((d) => String(d.title).startsWith("initech"));
  const exprs = (
    (dashboard?.panels ?? []) as { targets?: { expr: string; datasource: { type: string } }[] }[]
  )
    .flatMap((p) => p.targets ?? [])
    .filter((t) => t.datasource.type === "prometheus")
    .map((t) => t.expr);
  let stack: MetricsStack;
  const query = async (base: string, q: string, extra = "") => {
    const answer = await instantQuery(base, q, extra);
    expect(answer.status, q).toBe("success");
    return answer.result;
  };

  beforeAll(async () => {
    // The proxy exactly as rendered, in front of series of the tenant and of another one.
    const deployment = objects.find(
      (o) => o.object.kind === "Deployment" && o.object.metadata.name === tenantMetricsProxy(tenant.name),
    )?.object as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    stack = await startMetricsStack(
      exprs,
      [tenant.namespace, other.namespace],
      deployment.spec.template.spec.containers[0]?.args ?? [],
    );
  }, 90_000);

  afterAll(() => stack?.stop());

  it("has Prometheus and prom-label-proxy (scripts/test builds them)", async () => {
    const targets = (await (await fetch(`${stack.prometheus}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    expect(
      targets.data.activeTargets.map((t) => t.lastError),
      stack.log().slice(-2000),
    ).toEqual([""]);
    expect(existsSync(PROMETHEUS) && existsSync(PROM_LABEL_PROXY)).toBe(true);
    expect(exprs.length).toBeGreaterThan(8);
  });

  it("draws every panel of the tenant's dashboard: each query returns data, and only the tenant's", async () => {
    for (const expr of exprs) {
      const result = await query(stack.proxy, expr);
      expect(result.length, expr).toBeGreaterThan(0);
      for (const series of result)
        if (series.metric.namespace !== undefined)
          expect(series.metric.namespace, expr).toBe(tenant.namespace);
    }
  });

  it("returns none of another tenant's series, whatever the query asks", async () => {
    // The control: Prometheus has them.
    expect((await query(stack.prometheus, `{namespace="${other.namespace}"}`)).length).toBeGreaterThan(0);
    // Naming another namespace is refused (-error-on-replace), not answered.
    const named = await fetch(
      `${stack.proxy}/api/v1/query?query=${encodeURIComponent(`{namespace="${other.namespace}"}`)}`,
    );
    expect(named.status).toBe(400);
    expect(await named.text()).not.toContain(other.namespace + '"}');
    expect(await query(stack.proxy, `{namespace=~".+"}`, `&namespace=${other.namespace}`)).not.toEqual([]);
    for (const s of await query(stack.proxy, `{namespace=~".+"}`, `&namespace=${other.namespace}`))
      expect(s.metric.namespace).toBe(tenant.namespace);
    const series = (await (
      await fetch(`${stack.proxy}/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}`)
    ).json()) as { data: Record<string, string>[] };
    expect(new Set(series.data.map((s) => s.namespace))).toEqual(new Set([tenant.namespace]));
    const values = (await (await fetch(`${stack.proxy}/api/v1/label/namespace/values`)).json()) as {
      data: string[];
    };
    expect(values.data).toEqual([tenant.namespace]);
  });

  it("is the proxy the tenant's Grafana is provisioned with", () => {
    const provisioning = objects.find(
      (o) =>
        o.object.kind === "ConfigMap" &&
        o.object.metadata.name === `${tenantGrafana(tenant.name)}-provisioning`,
    )?.object as unknown as { data: Record<string, string> };
    expect(provisioning.data["datasources.yaml"]).toContain(metricsProxyUrl(model.platform, tenant.name));
  });
});
