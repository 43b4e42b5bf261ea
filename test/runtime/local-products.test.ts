/**
 * The local plan of service products and their RabbitMQ: which processes a tenant gets, with
 * which environment, how its front door routes, and what a RabbitMQ node's files hold. (The
 * processes themselves run in test/e2e/products-up.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { parseDocument } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { notLocal } from "../../src/products/local.js";
import { buildLocalLayout } from "../../src/runtime/local/local-plan.js";
import {
  rabbitmqConfig,
  rabbitmqDefinitions,
  rabbitmqPasswordHash,
} from "../../src/runtime/local/rabbitmq.js";
import { matchRoute, RouteBalancer } from "../../src/runtime/local/routing.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { validSpec } from "../support/example.js";

const EXAMPLES = resolvePath("examples");
const productsText = (edit: (doc: ReturnType<typeof parseDocument>) => void = () => undefined) => {
  const doc = parseDocument(readFileSync(join(EXAMPLES, "products.yaml"), "utf8"));
  edit(doc);
  return doc.toString();
};
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

async function layoutOf(text: string, tenants: readonly string[]) {
  const model = resolve(validSpec(text));
  const root = mkdtempSync(join(tmpdir(), "tenantctl-products-plan-"));
  roots.push(root);
  const venvs: string[] = [];
  const layout = await buildLocalLayout(
    new StateDir(root),
    model,
    model.tenants.filter((t) => tenants.includes(t.name)),
    {
      specDirectory: EXAMPLES,
      pythonEnvironment: async (file) => {
        venvs.push(file);
        return "/opt/venv";
      },
    },
  );
  return { layout, venvs, root, model };
}

describe("a service product's tenants on this machine", () => {
  it("run each component's replicas (at least one) with the cluster's environment, local values and a port of their own", async () => {
    const text = productsText((doc) =>
      doc.setIn(["products", "tasks", "components", "worker", "replicas", "min"], 2),
    );
    const { layout, venvs } = await layoutOf(text, ["tasks-acme", "tasks-team"]);
    const names = layout.plan.services.filter((s) => s.kind === "app").map((s) => s.name);
    expect(names).toEqual([
      "tasks:tasks-acme:api",
      "tasks:tasks-acme:worker-1",
      "tasks:tasks-acme:worker-2",
      "tasks:tasks-team:api",
      "tasks:tasks-team:worker-1",
      "tasks:tasks-team:worker-2",
    ]);
    // One environment for the file both components and all six processes name, asked for once.
    expect(venvs).toEqual([join(EXAMPLES, "tasks-service", "requirements.txt")]);
    const api = layout.plan.services.find((s) => s.name === "tasks:tasks-team:api");
    const port = api?.env.PORT ?? "";
    expect(api?.command).toBe("uvicorn"); // not in the (absent) venv: looked up on its PATH
    expect(api?.args).toEqual(["tasks_service.api:app", "--host", "127.0.0.1", "--port", port]);
    expect(api?.cwd).toBe(join(EXAMPLES, "tasks-service"));
    expect(api?.env.PATH?.startsWith("/opt/venv/bin:")).toBe(true);
    expect(api?.ready).toEqual({ type: "http", url: `http://127.0.0.1:${port}/healthz` });
    const team = layout.tenants.find((t) => t.tenant.name === "tasks-team");
    expect(api?.env).toMatchObject({
      PYTHONPATH: ".",
      RABBITMQ_PORT: String(team?.rabbitmq?.port),
      RABBITMQ_VHOST: team?.tenant.sharedDataIdentifier,
      RABBITMQ_USERNAME: team?.tenant.sharedDataIdentifier,
      RABBITMQ_PASSWORD: team?.secrets.rabbitmqPassword,
      REDIS_KEY_PREFIX: `${team?.tenant.redisPrefix}:`,
    });
    // After its own data services, including its vhost's node.
    expect(layout.plan.services.find((s) => s.name === "tasks:tasks-team:worker-1")?.dependsOn).toEqual([
      "provision:zone-internal",
      "redis:zone-internal",
      "rabbitmq:zone-internal",
    ]);
    expect(layout.plan.services.find((s) => s.name === "tasks:tasks-acme:worker-2")?.ready).toEqual({
      type: "started",
    });
    // Each replica its own Celery node name (${REPLICA}): alike, they would collide on their control queue.
    expect(layout.plan.services.find((s) => s.name === "tasks:tasks-acme:worker-2")?.args).toContain(
      "worker-2@%h",
    );
    // Its front door routes like its Ingress: the api's one route, to its replica.
    expect(layout.plan.routers.find((r) => r.tenant === "tasks-team")).toMatchObject({
      routes: [{ path: "/", ports: [Number(port)] }],
      health: "/healthz",
    });
  });

  it("gives tasks-acme a RabbitMQ node of its own and the team a vhost on the zone's, each node on its own ports", async () => {
    const { layout } = await layoutOf(productsText(), ["tasks-acme", "tasks-team"]);
    expect(layout.rabbitmq.map((n) => n.name)).toEqual(["tenant-tasks-acme", "zone-internal"]);
    const ports = layout.rabbitmq.flatMap((n) => Object.values(n.ports));
    expect(new Set(ports).size).toBe(ports.length);
    expect(layout.rabbitmq[0]?.users.map((u) => [u.user, u.vhost])).toEqual([["tasks-acme", "/"]]);
    const team = layout.tenants.find((t) => t.tenant.name === "tasks-team")?.tenant;
    expect(layout.rabbitmq[1]?.users.map((u) => [u.user, u.vhost])).toEqual([
      [team?.sharedDataIdentifier, team?.sharedDataIdentifier],
    ]);
    expect(layout.rabbitmq[0]?.cookie).not.toBe(layout.rabbitmq[1]?.cookie);
  });

  it("generates a local value for each secretEnv item, apart from the tenant's data secrets", async () => {
    const text = productsText((doc) =>
      doc.setIn(
        ["products", "tasks", "components", "api", "secretEnv"],
        doc.createNode({ STRIPE_API_KEY: { item: "stripe", key: "dbPassword" } }),
      ),
    );
    const { layout, root } = await layoutOf(text, ["tasks-acme"]);
    const api = layout.plan.services.find((s) => s.name === "tasks:tasks-acme:api");
    const acme = layout.tenants[0];
    expect(api?.env.STRIPE_API_KEY).toMatch(/^[-_A-Za-z0-9]{32}$/);
    // A key named like a data secret is still its own item's, not the database password.
    expect(api?.env.STRIPE_API_KEY).not.toBe(acme?.secrets.dbPassword);
    const file = JSON.parse(
      readFileSync(join(root, "secrets", "tenant-tasks-acme--tasks-env-stripe.json"), "utf8"),
    );
    expect(file).toEqual({ dbPassword: api?.env.STRIPE_API_KEY });
  });

  it("says which components of a tenant's product declare no local command", () => {
    const model = resolve(validSpec(productsText()));
    const reason = (name: string) => {
      const tenant = model.tenants.find((t) => t.name === name);
      if (tenant === undefined) throw new Error(name);
      return notLocal(tenant);
    };
    expect(reason("tasks-acme")).toBeUndefined();
    expect(reason("ops")).toBeUndefined();
    expect(reason("ledger-hooli")).toBe("components gateway, api of ledger declare no local: command");
  });
});

describe("the front door's routes", () => {
  const routes = [
    { path: "/", ports: [1] },
    { path: "/api", ports: [2, 3] },
    { host: "admin", path: "/", ports: [4] },
    { host: "admin", path: "/metrics/", ports: [5] },
  ];
  it("matches the host's first label, then the longest prefix of whole segments", () => {
    expect(matchRoute(routes, "127.0.0.1:8080", "/")?.ports).toEqual([1]);
    expect(matchRoute(routes, "localhost:8080", "/api")?.ports).toEqual([2, 3]);
    expect(matchRoute(routes, "localhost", "/api/tasks?x=1")?.ports).toEqual([2, 3]);
    expect(matchRoute(routes, "localhost", "/apix")?.ports).toEqual([1]);
    expect(matchRoute(routes, "admin.localhost:8080", "/api")?.ports).toEqual([4]);
    expect(matchRoute(routes, "ADMIN.localhost", "/metrics/x")?.ports).toEqual([5]);
    expect(matchRoute(routes, "other.localhost", "/api/x")?.ports).toEqual([2, 3]);
    expect(matchRoute([{ path: "/api", ports: [2] }], "localhost", "/")).toBeUndefined();
  });
  it("spreads a route's requests over its replicas in turn", () => {
    const balancer = new RouteBalancer(routes);
    expect([1, 2, 3, 4].map(() => balancer.target("localhost", "/api/x"))).toEqual([2, 3, 2, 3]);
  });
});

describe("a local RabbitMQ node's files", () => {
  const users = [
    { user: "t_a", password: "alpha-secret-password", vhost: "t_a" },
    { user: "t_b", password: "beta-secret-password", vhost: "t_b" },
  ];
  it("hold salted SHA-256 hashes as RabbitMQ computes them, never a password", () => {
    const text = JSON.stringify(rabbitmqDefinitions(users));
    for (const u of users) expect(text).not.toContain(u.password);
    const salt = Buffer.from([1, 2, 3, 4]);
    const hash = Buffer.from(rabbitmqPasswordHash("secret", salt), "base64");
    expect(hash.subarray(0, 4)).toEqual(salt);
    expect(hash.length).toBe(36);
    expect(rabbitmqPasswordHash("secret", salt)).not.toBe(rabbitmqPasswordHash("secret"));
  });
  it("give each user its own vhost only, with the management tag alone (and tenantctl's mark)", () => {
    const d = rabbitmqDefinitions(users) as {
      users: { name: string; tags: string[] }[];
      permissions: { user: string; vhost: string }[];
      vhosts: { name: string }[];
    };
    expect(d.users.map((u) => [u.name, u.tags])).toEqual([
      ["t_a", ["management", "tenantctl"]],
      ["t_b", ["management", "tenantctl"]],
    ]);
    expect(d.permissions.map((p) => [p.user, p.vhost])).toEqual([
      ["t_a", "t_a"],
      ["t_b", "t_b"],
    ]);
    expect(d.vhosts.map((v) => v.name)).toEqual(["t_a", "t_b"]);
  });
  it("listen on loopback only and import the definitions at boot", () => {
    const config = rabbitmqConfig({
      name: "zone-internal",
      dir: "/state/rabbitmq/zone-internal",
      ports: { amqp: 1001, management: 1002, dist: 1003, epmd: 1004 },
      cookie: "c",
      users: [],
      owner: undefined,
    });
    expect(config).toContain("listeners.tcp.default = 127.0.0.1:1001");
    expect(config).toContain("management.tcp.ip = 127.0.0.1");
    expect(config).toContain("load_definitions = /state/rabbitmq/zone-internal/definitions.json");
  });
});
