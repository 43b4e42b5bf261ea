/**
 * A real Prometheus scraping series of our making (an exporter on loopback that serves the
 * series each PromQL selector of some expressions matches, once per namespace, counters
 * rising each scrape), and a real prom-label-proxy in front of it, started with a rendered
 * Deployment's arguments but for where it listens and which Prometheus it fronts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/runtime/local/state.js";
import { selectorsOf } from "./promql-series.js";

const tool = (variable: string, name: string, version: string) =>
  process.env[variable] ?? join(homedir(), `.cache/tenantctl/${name}-${version}/bin/${name}`);
export const PROMETHEUS = tool("TENANTCTL_PROMETHEUS", "prometheus", "v0.316.0");
export const PROM_LABEL_PROXY = tool("TENANTCTL_PROM_LABEL_PROXY", "prom-label-proxy", "v0.11.1");

export interface MetricsStack {
  readonly prometheus: string;
  readonly proxy: string;
  /** Prometheus's own log, for failure messages. */
  log(): string;
  stop(): void;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await fetch(url).catch(() => undefined))?.ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} never answered`);
}

/** Prometheus's answer to an instant query (status and result), through `base`. */
export async function instantQuery(
  base: string,
  q: string,
  extra = "",
): Promise<{ status: string; result: { metric: Record<string, string>; value: [number, string] }[] }> {
  const body = (await (
    await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}${extra}`)
  ).json()) as {
    status: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return { status: body.status, result: body.data?.result ?? [] };
}

export async function startMetricsStack(
  exprs: readonly string[],
  namespaces: readonly string[],
  proxyArgs: readonly string[],
): Promise<MetricsStack> {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-prom-"));
  const children: ChildProcess[] = [];
  let tick = 0;
  const selectors = exprs.flatMap(selectorsOf);
  const exporter = createServer((_req, res) => {
    tick += 1;
    const lines = new Set<string>();
    for (const s of selectors)
      for (const ns of namespaces) {
        const labels = { ...s.labels, namespace: ns, ...(s.name.endsWith("_bucket") ? { le: "+Inf" } : {}) };
        lines.add(
          `${s.name}{${Object.entries(labels)
            .map(([k, v]) => `${k}="${v}"`)
            .join(",")}} ${tick}`,
        );
      }
    res.setHeader("Content-Type", "text/plain; version=0.0.4");
    res.end(`${[...lines].join("\n")}\n`);
  }).listen(0, "127.0.0.1");
  await new Promise((r) => exporter.once("listening", r));
  writeFileSync(
    join(dir, "prometheus.yml"),
    JSON.stringify({
      global: { scrape_interval: "1s" },
      scrape_configs: [
        {
          job_name: "fake",
          honor_labels: true,
          static_configs: [{ targets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`] }],
        },
      ],
    }),
  );
  const promPort = await freePort();
  const prometheus = `http://127.0.0.1:${promPort}`;
  let log = "";
  const server = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  server.stderr?.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  });
  children.push(server);
  const proxyPort = await freePort();
  const proxy = `http://127.0.0.1:${proxyPort}`;
  const args = proxyArgs.map((a) =>
    a.startsWith("-upstream=")
      ? `-upstream=${prometheus}`
      : a.startsWith("-insecure-listen-address=")
        ? `-insecure-listen-address=127.0.0.1:${proxyPort}`
        : a,
  );
  children.push(spawn(PROM_LABEL_PROXY, args, { stdio: "ignore" }));
  const stop = () => {
    for (const c of children) c.kill("SIGTERM");
    exporter.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${prometheus}/-/ready`);
    await waitFor(`${proxy}/api/v1/query?query=vector(1)`);
    // Three scrapes at least, so that rate() has its samples.
    for (let i = 0; i < 150; i++) {
      const { result } = await instantQuery(
        prometheus,
        'max(count_over_time({__name__=~".+",job="fake"}[1m]))',
      );
      if (Number(result[0]?.value[1] ?? 0) >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { prometheus, proxy, log: () => log, stop };
}
