import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { stopSupervisor, type UpReport, up } from "../../src/runtime/local/up.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";
import { connectAs } from "../support/postgres.js";

/**
 * The weaker isolation modes on real servers (`up --data-only`): two tenants with a database
 * each on their zone's shared PostgreSQL, and an ACL user each on the zone's shared Redis.
 * (n8n itself needs 2.3 or later for ACL users, which needs Node 24: not run here.)
 */
const SPEC = localSpec(
  "shared",
  `defaults:
  database: { isolation: database }
  redis: { isolation: acl }
  n8n: { version: 2.3.2 }
tenants:
  - name: one
    zone: internal
  - name: two
    zone: internal
`,
);
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-shared-"));
const model = resolve(validSpec(SPEC));
/** The opaque database and role name of a tenant on the shared server. */
const id = (name: string) => model.tenants.find((t) => t.name === name)?.sharedDataIdentifier ?? "";
let report: UpReport;
const tenant = (name: string) => report.tenants.find((t) => t.tenant.name === name) ?? (undefined as never);

beforeAll(async () => {
  report = await up(model, { stateDir, dataOnly: true });
}, 120_000);
afterAll(async () => {
  await stopSupervisor(new StateDir(stateDir));
});

describe("a zone's shared PostgreSQL", () => {
  it("puts both tenants on one server, each with its own role and database", () => {
    expect(tenant("one").database.port).toBe(tenant("two").database.port);
    expect([tenant("one").database.name, tenant("two").database.name]).toEqual([id("one"), id("two")]);
  });

  it("lets a tenant's role into its database only: not the other tenant's, not postgres", async () => {
    const one = tenant("one");
    const own = await connectAs(
      one.database.port,
      one.database.user,
      one.secrets.dbPassword ?? "",
      one.database.name,
    );
    await own.end();
    await expect(
      connectAs(one.database.port, one.database.user, one.secrets.dbPassword ?? "", id("two")),
    ).rejects.toThrow(/rejects connection|no pg_hba.conf entry/);
    await expect(
      connectAs(one.database.port, one.database.user, one.secrets.dbPassword ?? "", "postgres"),
    ).rejects.toThrow(/rejects connection|no pg_hba.conf entry/);
  });

  it("revokes CONNECT from PUBLIC on every tenant database (a second lock behind pg_hba)", async () => {
    const superuser = new StateDir(stateDir).secrets("postgres-zone-internal", ["superuser"]).superuser ?? "";
    const admin = await connectAs(tenant("one").database.port, "postgres", superuser, "postgres");
    const rows = await admin.query(
      "SELECT datname, has_database_privilege($1, datname, 'CONNECT') AS one, has_database_privilege($2, datname, 'CONNECT') AS two FROM pg_database WHERE datname LIKE 't\\_%' ORDER BY datname",
      [id("one"), id("two")],
    );
    await admin.end();
    expect(rows.rows).toEqual(
      [
        { datname: id("one"), one: true, two: false },
        { datname: id("two"), one: false, two: true },
      ].sort((a, b) => (a.datname < b.datname ? -1 : 1)),
    );
  });

  it("shows a tenant no other tenant's name in the catalogs it can read (pg_database, pg_roles)", async () => {
    const one = tenant("one");
    const own = await connectAs(
      one.database.port,
      one.database.user,
      one.secrets.dbPassword ?? "",
      one.database.name,
    );
    const names = [
      ...(await own.query<{ n: string }>("SELECT datname AS n FROM pg_database")).rows,
      ...(await own.query<{ n: string }>("SELECT rolname AS n FROM pg_roles")).rows,
    ].map((r) => r.n);
    await own.end();
    expect(names).toContain(id("two"));
    expect(names.filter((n) => n.includes("two") || n.includes("one"))).toEqual([]);
  });
});

describe("a zone's shared Redis with ACL users", () => {
  const client = (name: string) => {
    const t = tenant(name);
    return new Redis({
      host: "127.0.0.1",
      port: t.redis.port,
      username: t.redis.user,
      password: t.secrets.redisPassword ?? "",
    });
  };

  it("lets a tenant use keys under its prefix", async () => {
    const one = client("one");
    await one.set("n8n-one:jobs:probe", "1");
    expect(await one.get("n8n-one:jobs:probe")).toBe("1");
    one.disconnect();
  });

  it("answers NOPERM to a tenant touching the other tenant's keys", async () => {
    const two = client("two");
    await two.set("n8n-two:jobs:wait", "x");
    const one = client("one");
    await expect(one.get("n8n-two:jobs:wait")).rejects.toThrow(/NOPERM/);
    await expect(one.del("n8n-two:jobs:wait")).rejects.toThrow(/NOPERM/);
    await expect(one.keys("*")).rejects.toThrow(/NOPERM/);
    await expect(one.flushall()).rejects.toThrow(/NOPERM/);
    one.disconnect();
    two.disconnect();
  });

  it("answers NOPERM to a tenant publishing or subscribing on the other tenant's channels", async () => {
    const one = client("one");
    await expect(one.publish("n8n-two:n8n.commands", "x")).rejects.toThrow(/NOPERM/);
    await expect(one.publish("n8n.commands", "x")).rejects.toThrow(/NOPERM/);
    expect(await one.publish("n8n-one:n8n.commands", "x")).toBe(0);
    one.disconnect();
    const sub = client("one");
    await expect(sub.subscribe("n8n-two:n8n.worker-response")).rejects.toThrow(/NOPERM/);
    sub.disconnect();
  });

  it("keeps the other tenants' key names, channels and databases out of sight (SCAN, PUBSUB, SELECT, RANDOMKEY)", async () => {
    const two = client("two");
    await two.set("n8n-two:jobs:secret-name", "x");
    const sub = client("two");
    await sub.subscribe("n8n-two:n8n.commands");
    const one = client("one");
    await expect(one.scan("0")).rejects.toThrow(/NOPERM/);
    await expect(one.scan("0", "MATCH", "n8n-one:*")).rejects.toThrow(/NOPERM/);
    await expect(one.randomkey()).rejects.toThrow(/NOPERM/);
    await expect(one.dbsize()).rejects.toThrow(/NOPERM/);
    await expect(one.select(1)).rejects.toThrow(/NOPERM/);
    await expect(one.call("PUBSUB", "CHANNELS")).rejects.toThrow(/NOPERM/);
    await expect(one.call("PUBSUB", "NUMSUB", "n8n-two:n8n.commands")).rejects.toThrow(/NOPERM/);
    await expect(one.call("CLIENT", "LIST")).rejects.toThrow(/NOPERM/);
    await expect(one.call("SCRIPT", "FLUSH")).rejects.toThrow(/NOPERM/);
    // What n8n and Bull need still works: scripts on own keys, lists, blocking pops, pub/sub.
    expect(await one.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, "n8n-one:probe", "v")).toBe("OK");
    await expect(
      one.eval("return redis.call('GET', KEYS[1])", 1, "n8n-two:jobs:secret-name"),
    ).rejects.toThrow(/NOPERM|No permissions/);
    expect(await one.lpush("n8n-one:jobs:wait", "1")).toBe(1);
    expect(await one.brpoplpush("n8n-one:jobs:wait", "n8n-one:jobs:active", 1)).toBe("1");
    expect(await one.info("server")).toContain("redis_version");
    one.disconnect();
    sub.disconnect();
    two.disconnect();
  });

  it("has no default user", async () => {
    const anonymous = new Redis({
      host: "127.0.0.1",
      port: tenant("one").redis.port,
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    anonymous.on("error", () => undefined);
    await anonymous.connect().catch(() => undefined);
    await expect(anonymous.get("n8n-one:jobs:probe")).rejects.toThrow(/NOAUTH|NOPERM|closed/);
    anonymous.disconnect();
  });
});
