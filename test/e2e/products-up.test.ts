import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import amqp from "amqplib";
import { Redis } from "ioredis";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { logFileName, type Status } from "../../src/runtime/local/plan.js";
import { type RabbitmqNodeAddress, rabbitmqctl } from "../../src/runtime/local/rabbitmq.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { readStatus, stopSupervisor, type UpReport, up } from "../../src/runtime/local/up.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";
import { connectAs } from "../support/postgres.js";

/**
 * `tenantctl up` with the sample product (examples/tasks-service, declared as "tasks" in
 * examples/products.yaml), end to end with real processes: its FastAPI API and Celery worker
 * from PyPI, PostgreSQL, Redis and RabbitMQ from the OS packages. alpha has a RabbitMQ node of
 * its own; beta and gamma each a vhost on the zone's node (and a database and an ACL user on its
 * shared servers). A task goes API → RabbitMQ → worker → PostgreSQL and back through the front
 * door; no tenant's credentials open another's broker, vhost, queues, database or keys; a task in
 * flight survives its worker being killed, and queued tasks survive down and up.
 */
const EXAMPLES = resolvePath("examples");
const tasks = (
  parse(readFileSync(join(EXAMPLES, "products.yaml"), "utf8")) as { products: { tasks: unknown } }
).products.tasks;
const SPEC = localSpec(
  "e2e-tasks",
  `${stringify({ products: { tasks } })}tenants:
  - { name: alpha, zone: internal, product: tasks }
  - { name: beta, zone: internal, product: tasks, database: { isolation: database }, redis: { isolation: acl }, rabbitmq: { isolation: vhost } }
  - { name: gamma, zone: internal, product: tasks, database: { isolation: database }, redis: { isolation: acl }, rabbitmq: { isolation: vhost } }
`,
);
const model = resolve(validSpec(SPEC));
const withoutGamma = resolve(validSpec(SPEC.replace(/\n {2}- \{ name: gamma[^\n]*/, "")));
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-e2e-tasks-"));
const state = new StateDir(stateDir);
let report: UpReport;

const tenantOf = (name: string) => {
  const t = report.tenants.find((x) => x.tenant.name === name);
  if (!t) throw new Error(name);
  return t;
};
const mq = (name: string) => {
  const r = tenantOf(name).rabbitmq;
  if (!r) throw new Error(`${name} has no RabbitMQ`);
  return r;
};
const amqpUrl = (port: number, user: string, password: string, vhost: string) =>
  `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(vhost)}`;
/** A connection as the tenant, to a node and vhost (its own unless told). */
const connectAsTenant = (name: string, to: { port: number; vhost: string } = mq(name)) =>
  amqp.connect(amqpUrl(to.port, mq(name).user, tenantOf(name).secrets.rabbitmqPassword ?? "", to.vhost));
const management = (name: string, path: string, method = "GET") =>
  fetch(`http://127.0.0.1:${mq(name).managementPort}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${mq(name).user}:${tenantOf(name).secrets.rabbitmqPassword}`).toString("base64")}`,
    },
  });

interface Task {
  id: string;
  status: string;
  result: string | null;
  attempts: number;
  completions: number;
  cached: boolean;
}
async function submit(tenant: string, text: string, seconds = 0): Promise<string> {
  const response = await fetch(`${tenantOf(tenant).url}tasks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text, seconds }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}
const read = async (tenant: string, id: string) =>
  (await (await fetch(`${tenantOf(tenant).url}tasks/${id}`)).json()) as Task;
async function until(tenant: string, id: string, done: (t: Task) => boolean, ms = 60_000): Promise<Task> {
  const deadline = Date.now() + ms;
  for (;;) {
    const task = await read(tenant, id);
    if (done(task) || Date.now() > deadline) return task;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

beforeAll(async () => {
  report = await up(model, { stateDir, specDirectory: EXAMPLES });
}, 900_000);

afterAll(async () => {
  await stopSupervisor(state);
}, 120_000);

describe.sequential("the sample product under tenantctl up", () => {
  it("starts each tenant's API, worker, PostgreSQL, Redis and RabbitMQ (alpha's node, the zone's for beta and gamma)", () => {
    const names = Object.keys(report.status.services).sort();
    for (const t of ["alpha", "beta", "gamma"])
      expect(names).toEqual(expect.arrayContaining([`tasks:${t}:api`, `tasks:${t}:worker`]));
    expect(names).toEqual(
      expect.arrayContaining(["rabbitmq:tenant-alpha", "epmd:tenant-alpha", "rabbitmq:zone-internal"]),
    );
    expect(names.filter((n) => n.startsWith("rabbitmq:"))).toHaveLength(2);
    expect(Object.values(report.status.services).every((s) => ["ready", "done"].includes(s.state))).toBe(
      true,
    );
  });

  it("runs a task API → RabbitMQ → worker → PostgreSQL and reads it back through the front door, cached in Redis", async () => {
    for (const tenant of ["alpha", "beta", "gamma"]) {
      const id = await submit(tenant, `hello from ${tenant}`);
      const task = await until(tenant, id, (t) => t.status === "done");
      expect(task).toMatchObject({ status: "done", result: sha256(`hello from ${tenant}`), completions: 1 });
      expect(task.cached).toBe(false);
      expect((await read(tenant, id)).cached).toBe(true);
      // Written by the worker into the tenant's own database.
      const t = tenantOf(tenant);
      const db = await connectAs(
        t.database.port,
        t.database.user,
        t.secrets.dbPassword ?? "",
        t.database.name,
      );
      const rows = await db.query("SELECT status FROM tasks WHERE id = $1", [id]);
      await db.end();
      expect(rows.rows).toEqual([{ status: "done" }]);
    }
  }, 120_000);

  it("gives each tenant's API and worker the environment of the cluster's builder, and the front door routes like the Ingress", async () => {
    const plan = state.readJson<{ services: { name: string; env: Record<string, string> }[] }>("plan.json", {
      services: [],
    });
    const api = plan.services.find((s) => s.name === "tasks:beta:api");
    expect(api?.env).toMatchObject({
      RABBITMQ_HOST: "127.0.0.1",
      RABBITMQ_VHOST: mq("beta").vhost,
      RABBITMQ_USERNAME: mq("beta").user,
      REDIS_USERNAME: tenantOf("beta").redis.user,
      PGDATABASE: tenantOf("beta").database.name,
      PGSSLMODE: "disable",
      PORT: expect.stringMatching(/^\d+$/),
    });
    // The worker talks to PostgreSQL and RabbitMQ only: no Redis variables.
    const worker = plan.services.find((s) => s.name === "tasks:beta:worker");
    expect(Object.keys(worker?.env ?? {}).filter((k) => k.startsWith("REDIS_"))).toEqual([]);
    expect((await fetch(`${tenantOf("beta").url}healthz`)).status).toBe(200);
    expect((await fetch(`${tenantOf("beta").url}tasks/00000000-0000-0000-0000-000000000000`)).status).toBe(
      404,
    );
  });
});

describe("RabbitMQ isolation", () => {
  it("refuses guest on every node", async () => {
    for (const port of [mq("alpha").port, mq("beta").port]) {
      await expect(amqp.connect(amqpUrl(port, "guest", "guest", "/"))).rejects.toThrow(/ACCESS_REFUSED/);
      const api = await fetch(
        `http://127.0.0.1:${port === mq("alpha").port ? mq("alpha").managementPort : mq("beta").managementPort}/api/whoami`,
        {
          headers: { authorization: `Basic ${Buffer.from("guest:guest").toString("base64")}` },
        },
      );
      expect(api.status).toBe(401);
    }
  });

  it("refuses alpha's credentials on the zone's node, and beta's on alpha's node", async () => {
    await expect(
      connectAsTenant("alpha", { port: mq("beta").port, vhost: mq("beta").vhost }),
    ).rejects.toThrow(/ACCESS_REFUSED/);
    await expect(connectAsTenant("alpha", { port: mq("beta").port, vhost: "/" })).rejects.toThrow(
      /ACCESS_REFUSED/,
    );
    await expect(connectAsTenant("beta", { port: mq("alpha").port, vhost: "/" })).rejects.toThrow(
      /ACCESS_REFUSED/,
    );
  });

  it("refuses beta gamma's vhost on their shared node: it can neither declare, bind, consume nor purge gamma's queues", async () => {
    // gamma's own probe queue with one message in it.
    const gamma = await connectAsTenant("gamma");
    const gammaChannel = await gamma.createChannel();
    await gammaChannel.assertQueue("isolation-probe", { durable: true });
    gammaChannel.sendToQueue("isolation-probe", Buffer.from("gamma's"), { persistent: true });
    await gammaChannel.close();

    // The broker closes the handshake (amqplib shows the frame, not its text: the node's log has it).
    await expect(
      connectAsTenant("beta", { port: mq("gamma").port, vhost: mq("gamma").vhost }),
    ).rejects.toThrow(/Expected ConnectionOpenOk; got <ConnectionClose/);
    // The node writes its log line a moment after it closed the connection.
    const refusal = `access to vhost '${mq("gamma").vhost}' refused for user '${mq("beta").user}'`;
    const nodeLog = () => readFileSync(state.path("logs", logFileName("rabbitmq:zone-internal")), "utf8");
    for (let i = 0; i < 50 && !nodeLog().includes(refusal); i++) await new Promise((r) => setTimeout(r, 100));
    expect(nodeLog()).toContain(refusal);
    // On the management API too: gamma's queues are not beta's to read or purge.
    const queue = `/api/queues/${encodeURIComponent(mq("gamma").vhost)}/isolation-probe`;
    expect((await management("beta", queue)).status).toBe(401);
    expect((await management("beta", `${queue}/contents`, "DELETE")).status).toBe(401);
    expect((await management("beta", `${queue}`, "DELETE")).status).toBe(401);
    const listed = (await (await management("beta", "/api/queues")).json()) as { vhost: string }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed.map((q) => q.vhost))).toEqual(new Set([mq("beta").vhost]));
    // In its own vhost a queue of the same name is its own, not gamma's.
    const beta = await connectAsTenant("beta");
    const betaChannel = await beta.createChannel();
    // The broker closes a channel on a failed passive declare; its error is expected, not uncaught.
    const closedWith: string[] = [];
    betaChannel.on("error", (error: Error) => closedWith.push(error.message));
    await expect(betaChannel.checkQueue("isolation-probe")).rejects.toThrow(/NOT_FOUND/);
    expect(closedWith.join()).toMatch(/NOT_FOUND - no queue 'isolation-probe' in vhost '[^']+'/);
    await beta.close().catch(() => undefined);

    const check = await gamma.createChannel();
    expect((await check.checkQueue("isolation-probe")).messageCount).toBe(1);
    await check.deleteQueue("isolation-probe");
    await gamma.close();
  });
});

describe("PostgreSQL and Redis isolation", () => {
  it("refuses beta's credentials on gamma's database and alpha's server", async () => {
    const b = tenantOf("beta");
    const g = tenantOf("gamma");
    const a = tenantOf("alpha");
    await expect(
      connectAs(g.database.port, b.database.user, b.secrets.dbPassword ?? "", g.database.name),
    ).rejects.toThrow(
      /password authentication failed|no pg_hba.conf entry|rejects connection|permission denied/,
    );
    await expect(
      connectAs(a.database.port, b.database.user, b.secrets.dbPassword ?? "", a.database.name),
    ).rejects.toThrow(/password authentication failed|no pg_hba.conf entry|rejects connection/);
  });

  it("confines beta's Redis user to its own prefix on the shared Redis", async () => {
    const b = tenantOf("beta");
    const g = tenantOf("gamma");
    const redis = new Redis({
      host: "127.0.0.1",
      port: b.redis.port,
      username: b.redis.user ?? "",
      password: b.secrets.redisPassword ?? "",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    await redis.connect();
    await expect(redis.get(`${g.tenant.redisPrefix}:task:x`)).rejects.toThrow(/NOPERM/);
    await expect(redis.keys("*")).rejects.toThrow(/NOPERM/);
    redis.disconnect();
  });
});

describe.sequential("durability", () => {
  it("delivers a task again when its worker is killed in the middle of it, and completes it once", async () => {
    const id = await submit("alpha", "interrupted", 6);
    const running = await until("alpha", id, (t) => t.status === "running", 30_000);
    expect(running.status).toBe("running");
    const before = readStatus(state) as Status;
    const worker = before.services["tasks:alpha:worker"];
    process.kill(worker?.pid ?? 0, "SIGKILL");
    const task = await until("alpha", id, (t) => t.status === "done", 90_000);
    expect(task).toMatchObject({
      status: "done",
      result: sha256("interrupted"),
      attempts: 2,
      completions: 1,
    });
    const after = readStatus(state) as Status;
    expect(after.services["tasks:alpha:worker"]?.lastExit).toBe("signal SIGKILL");
    expect(after.services["tasks:alpha:worker"]?.restarts).toBeGreaterThan(worker?.restarts ?? 0);
    expect(readFileSync(state.path("logs", logFileName("tasks:alpha:worker")), "utf8")).toMatch(
      /tasks_service\.process\[[^\]]+\] received/,
    );
  }, 150_000);

  it("keeps queued tasks (durable queues, persistent messages) and earlier results across down and up; a tenant no longer up loses its user, not its vhost", async () => {
    const earlier = await submit("beta", "before down");
    await until("beta", earlier, (t) => t.status === "done");
    const queued = [];
    for (let i = 0; i < 4; i++) queued.push(await submit("beta", `queued ${i}`, 2));
    const waiting = await Promise.all(queued.map((id) => read("beta", id)));
    expect(waiting.filter((t) => t.status === "queued").length).toBeGreaterThanOrEqual(2);
    const gamma = { ...mq("gamma"), password: tenantOf("gamma").secrets.rabbitmqPassword ?? "" };
    const gammaDb = { ...tenantOf("gamma").database, password: tenantOf("gamma").secrets.dbPassword ?? "" };
    const gammaConnection = await connectAsTenant("gamma");
    const gammaChannel = await gammaConnection.createConfirmChannel();
    await gammaChannel.assertQueue("kept-while-away", { durable: true });
    gammaChannel.sendToQueue("kept-while-away", Buffer.from("gamma's"), { persistent: true });
    await gammaChannel.waitForConfirms();
    await gammaConnection.close();
    // Someone else's user on the node (no tenantctl tag): never tenantctl's to remove.
    const node = state.readJson<RabbitmqNodeAddress | undefined>(
      "rabbitmq/zone-internal/node.json",
      undefined,
    );
    if (node === undefined) throw new Error("no node.json");
    rabbitmqctl(node, ["add_user", "operator-added", "a-password-of-theirs", "--silent"]);
    await stopSupervisor(state);
    // Up again without gamma: its user on the zone's node goes, its vhost stays.
    report = await up(withoutGamma, { stateDir, specDirectory: EXAMPLES });
    for (const [i, id] of queued.entries()) {
      const task = await until("beta", id, (t) => t.status === "done", 90_000);
      expect(task).toMatchObject({ status: "done", result: sha256(`queued ${i}`), completions: 1 });
    }
    expect(await read("beta", earlier)).toMatchObject({ status: "done", result: sha256("before down") });
    await expect(amqp.connect(amqpUrl(gamma.port, gamma.user, gamma.password, gamma.vhost))).rejects.toThrow(
      /ACCESS_REFUSED/,
    );
    expect(readFileSync(state.path("logs", logFileName("rabbitmq-users:zone-internal")), "utf8")).toContain(
      `zone-internal: removed ${gamma.user} (no tenant up runs here uses them; their vhosts and messages are kept)`,
    );
    // Its vhost and its message are still on the node (asked as the node's operator, with its cookie).
    const queues = JSON.parse(
      rabbitmqctl(node, [
        "list_queues",
        "-p",
        gamma.vhost,
        "name",
        "messages",
        "--formatter",
        "json",
        "--silent",
      ]),
    ) as { name: string; messages: number }[];
    expect(queues).toEqual(expect.arrayContaining([{ name: "kept-while-away", messages: 1 }]));
    // On the zone's PostgreSQL the same: gamma's role may no longer log in, its database stays.
    await expect(connectAs(gammaDb.port, gammaDb.user, gammaDb.password, gammaDb.name)).rejects.toThrow(
      /is not permitted to log in/,
    );
    expect(readFileSync(state.path("logs", logFileName("provision:zone-internal")), "utf8")).toContain(
      `zone-internal: ${gammaDb.user} may no longer log in`,
    );
    const superuser = state.secrets("postgres-zone-internal", ["superuser"]).superuser ?? "";
    const admin = await connectAs(gammaDb.port, "postgres", superuser, "postgres");
    const tasks = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [gammaDb.name]);
    await admin.end();
    expect(tasks.rowCount).toBe(1);
    const users = JSON.parse(rabbitmqctl(node, ["list_users", "--formatter", "json", "--silent"])) as {
      user: string;
    }[];
    expect(users.map((u) => u.user).sort()).toEqual(["operator-added", mq("beta").user].sort());
  }, 240_000);
});
