// One measurement of a tenant's dashboard drawn through its metrics proxy (the argument: tenants
// whose series the shared Prometheus holds): every panel query of the example's initech
// dashboard, run in turn, through the tenant's real prom-label-proxy (started with its rendered
// arguments) and, the peer, straight against the same real Prometheus; median of 15 rounds.
import { tenantMetricsProxy } from "../src/model/names.js";
import { platform } from "../test/support/platforms.js";
import { instantQuery, startMetricsStack } from "../test/support/metrics-stack.js";

const tenants = Number(process.argv[2] ?? "10");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const { objects } = platform("example");
const dashboard = objects.find(
  (o) => o.object.kind === "ConfigMap" && o.object.metadata.name === "grafana-initech-dashboards",
)?.object as unknown as { data: Record<string, string> };
const panels = (
  JSON.parse(Object.values(dashboard.data)[0] ?? "{}") as {
    panels: { targets?: { expr: string; datasource: { type: string } }[] }[];
  }
).panels;
const exprs = panels
  .flatMap((p) => p.targets ?? [])
  .filter((t) => t.datasource.type === "prometheus")
  .map((t) => t.expr);
const proxyArgs =
  (
    objects.find(
      (o) => o.object.kind === "Deployment" && o.object.metadata.name === tenantMetricsProxy("initech"),
    )?.object as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } }
  ).spec.template.spec.containers[0]?.args ?? [];
const namespaces = ["tenant-initech", ...Array.from({ length: tenants - 1 }, (_, i) => `tenant-other-${i}`)];
const stack = await startMetricsStack(exprs, namespaces, proxyArgs);
try {
  const draw = async (base: string) => {
    const t0 = performance.now();
    for (const expr of exprs) {
      const answer = await instantQuery(base, expr);
      if (answer.status !== "success" || answer.result.length === 0)
        throw new Error(`${expr}: no data via ${base}`);
    }
    return performance.now() - t0;
  };
  await draw(stack.proxy);
  await draw(stack.prometheus);
  const direct: number[] = [];
  const proxied: number[] = [];
  for (let i = 0; i < 15; i++) {
    direct.push(await draw(stack.prometheus));
    proxied.push(await draw(stack.proxy));
  }
  const series = (await instantQuery(stack.prometheus, 'count({job="fake"})')).result[0]?.value[1];
  console.log(
    JSON.stringify({
      tenants,
      series: Number(series),
      "panel queries": exprs.length,
      "dashboard, Prometheus direct (ms)": Math.round(median(direct) * 10) / 10,
      "dashboard, through the tenant's proxy (ms)": Math.round(median(proxied) * 10) / 10,
      ratio: `${(median(proxied) / median(direct)).toFixed(2)}×`,
    }),
  );
} finally {
  stack.stop();
}
