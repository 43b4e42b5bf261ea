import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OBSERVABILITY, tenantGrafana, tenantMetricsProxy } from "../../src/model/names.js";
import type { RenderedObject } from "../../src/manifest/rendered.js";
import { platform } from "../support/platforms.js";
import { selectorsOf } from "../support/promql-series.js";

/**
 * The tenants' dashboards against the real consumers: Grafana's dashboard model (the Grafana
 * Foundation SDK's types, decoding strictly), and every panel's query run by a real Prometheus
 * through the tenant's real prom-label-proxy, started with the arguments of its rendered
 * Deployment, beside another tenant's series that it must never return.
 */
const tool = (variable: string, name: string, version: string) =>
  process.env[variable] ?? join(homedir(), `.cache/tenantctl/${name}-${version}/bin/${name}`);
const CHECKER = tool("TENANTCTL_GRAFANA_DASHBOARD", "grafana-dashboard", "v0.0.22");
const PROMETHEUS = tool("TENANTCTL_PROMETHEUS", "prometheus", "v0.316.0");
const PROXY = tool("TENANTCTL_PROM_LABEL_PROXY", "prom-label-proxy", "v0.11.1");

function dashboardsOf(objects: readonly RenderedObject[]): Record<string, unknown>[] {
  return objects
    .filter(
      (o) =>
        o.object.kind === "ConfigMap" &&
        o.object.metadata.namespace === OBSERVABILITY.namespace &&
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
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-prom-"));
  const children: ChildProcess[] = [];
  let exporter: Server;
  let prometheus = "";
  let proxy = "";
  let promLog = "";

  const freePort = () =>
    new Promise<number>((ok) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => ok(port));
      });
    });
  const waitFor = async (url: string) => {
    for (let i = 0; i < 150; i++) {
      if ((await fetch(url).catch(() => undefined))?.ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${url} never answered`);
  };
  const query = async (base: string, q: string, extra = "") => {
    const body = (await (
      await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}${extra}`)
    ).json()) as {
      status: string;
      data: { result: { metric: Record<string, string> }[] };
    };
    expect(body.status, q).toBe("success");
    return body.data.result;
  };

  beforeAll(async () => {
    // An exporter offering every series the dashboard selects, for the tenant and for another one.
    let tick = 0;
    exporter = createServer((_req, res) => {
      tick += 1;
      const lines = new Set<string>();
      for (const s of exprs.flatMap(selectorsOf))
        for (const ns of [tenant.namespace, other.namespace]) {
          const labels = {
            ...s.labels,
            namespace: ns,
            ...(s.name.endsWith("_bucket") ? { le: "+Inf" } : {}),
          };
          const text = Object.entries(labels)
            .map(([k, v]) => `${k}="${v}"`)
            .join(",");
          lines.add(`${s.name}{${text}} ${tick}`);
        }
      res.setHeader("Content-Type", "text/plain; version=0.0.4");
      res.end(`${[...lines].join("\n")}\n`);
    }).listen(0, "127.0.0.1");
    await new Promise((r) => exporter.once("listening", r));
    const exporterPort = (exporter.address() as AddressInfo).port;
    writeFileSync(
      join(dir, "prometheus.yml"),
      JSON.stringify({
        global: { scrape_interval: "1s" },
        scrape_configs: [
          {
            job_name: "fake",
            honor_labels: true,
            static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }],
          },
        ],
      }),
    );
    const promPort = await freePort();
    prometheus = `http://127.0.0.1:${promPort}`;
    children.push(
      spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      ),
    );
    children[0]?.stderr?.on("data", (d: Buffer) => {
      promLog += d.toString();
    });
    // The proxy exactly as rendered, but for where it listens and which Prometheus it fronts.
    const deployment = objects.find(
      (o) => o.object.kind === "Deployment" && o.object.metadata.name === tenantMetricsProxy(tenant.name),
    )?.object as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    const proxyPort = await freePort();
    proxy = `http://127.0.0.1:${proxyPort}`;
    const args = (deployment.spec.template.spec.containers[0]?.args ?? []).map((a) =>
      a.startsWith("-upstream=")
        ? `-upstream=${prometheus}`
        : a.startsWith("-insecure-listen-address=")
          ? `-insecure-listen-address=127.0.0.1:${proxyPort}`
          : a,
    );
    children.push(spawn(PROXY, args, { stdio: "ignore" }));
    await waitFor(`${prometheus}/-/ready`);
    await waitFor(`${proxy}/api/v1/query?query=vector(1)`);
    // Two scrapes at least, so that rate() has its samples.
    for (let i = 0; i < 100; i++) {
      const r = await query(prometheus, `count_over_time(kube_resourcequota[1m])`);
      if (r.some((x) => Number((x as unknown as { value: [number, string] }).value[1]) >= 3)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(() => {
    for (const c of children) c.kill("SIGTERM");
    exporter?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has Prometheus and prom-label-proxy (scripts/test builds them)", async () => {
    const targets = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    expect(
      targets.data.activeTargets.map((t) => t.lastError),
      promLog.slice(-2000),
    ).toEqual([""]);
    expect(existsSync(PROMETHEUS) && existsSync(PROXY)).toBe(true);
    expect(exprs.length).toBeGreaterThan(8);
  });

  it("draws every panel of the tenant's dashboard: each query returns data, and only the tenant's", async () => {
    for (const expr of exprs) {
      const result = await query(proxy, expr);
      expect(result.length, expr).toBeGreaterThan(0);
      for (const series of result)
        if (series.metric.namespace !== undefined)
          expect(series.metric.namespace, expr).toBe(tenant.namespace);
    }
  });

  it("returns none of another tenant's series, whatever the query asks", async () => {
    // The control: Prometheus has them.
    expect((await query(prometheus, `{namespace="${other.namespace}"}`)).length).toBeGreaterThan(0);
    // Naming another namespace is refused (-error-on-replace), not answered.
    const named = await fetch(
      `${proxy}/api/v1/query?query=${encodeURIComponent(`{namespace="${other.namespace}"}`)}`,
    );
    expect(named.status).toBe(400);
    expect(await named.text()).not.toContain(other.namespace + '"}');
    expect(await query(proxy, `{namespace=~".+"}`, `&namespace=${other.namespace}`)).not.toEqual([]);
    for (const s of await query(proxy, `{namespace=~".+"}`, `&namespace=${other.namespace}`))
      expect(s.metric.namespace).toBe(tenant.namespace);
    const series = (await (
      await fetch(`${proxy}/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}`)
    ).json()) as { data: Record<string, string>[] };
    expect(new Set(series.data.map((s) => s.namespace))).toEqual(new Set([tenant.namespace]));
    const values = (await (await fetch(`${proxy}/api/v1/label/namespace/values`)).json()) as {
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
    expect(provisioning.data["datasources.yaml"]).toContain(
      `http://${tenantMetricsProxy(tenant.name)}.${OBSERVABILITY.namespace}.svc.cluster.local:${OBSERVABILITY.labelProxyPort}`,
    );
  });
});
