/**
 * A service product on one machine (`tenantctl up`): each component that says how (`local:`)
 * runs as its spec's minimum of replicas (at least one), with the environment from the same
 * builder as in the cluster (hosts, ports and secret values differ) plus its `local.env`, in
 * its Python environment when it names one. The front door routes like the tenant's Ingress.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { Component } from "../../input/schema.js";
import type { TenantModel } from "../../model/resolve.js";
import type {
  LocalContext,
  LocalProcess,
  LocalRoute,
  ProductLocal,
  Readiness,
} from "../contract/builders.js";
import { buildComponentEnv } from "./env.js";

/** The components of the tenant's product that declare no way to run on this machine. */
export function componentsWithoutLocal(tenant: TenantModel): string[] {
  return Object.entries(tenant.product.definition?.components ?? {})
    .filter(([, c]) => c.local === undefined)
    .map(([name]) => name);
}

/** `${PORT}` and `${REPLICA}` in a local command or value: this process's port, and its replica's number (1, 2, …). */
export function expandLocal(text: string, port: number | undefined, replica: number): string {
  const withReplica = text.replaceAll("${REPLICA}", String(replica));
  return port === undefined ? withReplica : withReplica.replaceAll("${PORT}", String(port));
}

export const serviceLocal: ProductLocal = {
  secretKeys: [],
  async plan(context) {
    const components = Object.entries(context.tenant.product.definition?.components ?? {});
    const processes: LocalProcess[] = [];
    const ports = new Map<string, number[]>();
    for (const [name, c] of components) {
      const replicas = Math.max(1, c.replicas?.min ?? 1);
      for (let i = 1; i <= replicas; i++) {
        const planned = await componentProcess(context, name, c, replicas === 1 ? name : `${name}-${i}`, i);
        processes.push(planned.process);
        if (planned.port !== undefined) ports.set(name, [...(ports.get(name) ?? []), planned.port]);
      }
    }
    const routes: LocalRoute[] = components.flatMap(([name, c]) =>
      (c.routes ?? []).map((r) => ({
        ...(r.host === undefined ? {} : { host: r.host }),
        path: r.path,
        ports: ports.get(name) ?? [],
      })),
    );
    const routed = components.find(([, c]) => (c.routes ?? []).length > 0);
    const probe = routed?.[1].probes?.readiness;
    return {
      processes,
      routes,
      health: probe !== undefined && "path" in probe ? probe.path : "/",
      hint: `${context.tenant.product.name}: ${components.length} components`,
    };
  },
};

async function componentProcess(
  context: LocalContext,
  component: string,
  c: Component,
  name: string,
  replica: number,
): Promise<{ process: LocalProcess; port: number | undefined }> {
  const local = c.local;
  // `up` selects tenants whose every component runs locally: a missing one is a tenantctl bug.
  if (local === undefined) throw new Error(`${component} has no local command`);
  const { tenant } = context;
  const port =
    c.port === undefined ? undefined : await context.port(`${tenant.product.name}:${tenant.name}:${name}`);
  const cwd = resolve(context.specDirectory, local.cwd ?? ".");
  const venv =
    local.python === undefined
      ? undefined
      : await context.pythonEnvironment(resolve(context.specDirectory, local.python.requirements));
  const env: Record<string, string> = {
    ...context.resolve(
      buildComponentEnv(c, {
        product: tenant.product.name,
        connections: context.connections,
        redisPrefix: tenant.redisPrefix,
      }),
    ),
    // The spec's rules keep local.env off the injected names and PORT (spec/reserved-env).
    ...Object.fromEntries(
      Object.entries(local.env ?? {}).map(([key, value]) => [key, expandLocal(value, port, replica)]),
    ),
    ...(port === undefined ? {} : { PORT: String(port) }),
    ...(venv === undefined ? {} : { VIRTUAL_ENV: venv, PATH: `${join(venv, "bin")}:${context.systemPath}` }),
  };
  const [command = "", ...args] = local.command.map((part) => expandLocal(part, port, replica));
  return {
    port,
    process: {
      name,
      role: "app",
      prefix: tenant.product.name,
      command: commandPath(command, cwd),
      args,
      env,
      cwd,
      ready: readiness(c, port),
      after: [],
    },
  };
}

/** A command with a slash is relative to its working directory; a bare name is found on its PATH (the venv's bin/ first). */
function commandPath(command: string, cwd: string): string {
  return command.includes("/") && !isAbsolute(command) ? resolve(cwd, command) : command;
}

/** As the kubelet decides: the readiness probe (HTTP on its port, or the command), else started. */
function readiness(c: Component, port: number | undefined): Readiness {
  const probe = c.probes?.readiness;
  if (probe !== undefined && "path" in probe && port !== undefined)
    return { type: "http", url: `http://127.0.0.1:${port}${probe.path}` };
  if (probe !== undefined && "command" in probe) return { type: "command", command: probe.command };
  return port === undefined ? { type: "started" } : { type: "tcp", port };
}
