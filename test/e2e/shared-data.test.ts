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
let report: UpReport;
const tenant = (name: string) => report.tenants.find((t) => t.tenant.name === name) ?? (undefined as never);

beforeAll(async () => {
  report = await up(resolve(validSpec(SPEC)), { stateDir, dataOnly: true });
}, 120_000);
afterAll(async () => {
  await stopSupervisor(new StateDir(stateDir));
});

describe("a zone's shared PostgreSQL", () => {
  it("puts both tenants on one server, each with its own role and database", () => {
    expect(tenant("one").database.port).toBe(tenant("two").database.port);
    expect([tenant("one").database.name, tenant("two").database.name]).toEqual(["n8n_one", "n8n_two"]);
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
      connectAs(one.database.port, one.database.user, one.secrets.dbPassword ?? "", "n8n_two"),
    ).rejects.toThrow(/rejects connection|no pg_hba.conf entry/);
    await expect(
      connectAs(one.database.port, one.database.user, one.secrets.dbPassword ?? "", "postgres"),
    ).rejects.toThrow(/rejects connection|no pg_hba.conf entry/);
  });

  it("revokes CONNECT from PUBLIC on every tenant database (a second lock behind pg_hba)", async () => {
    const superuser = new StateDir(stateDir).secrets("postgres-zone-internal", ["superuser"]).superuser ?? "";
    const admin = await connectAs(tenant("one").database.port, "postgres", superuser, "postgres");
    const rows = await admin.query(
      "SELECT datname, has_database_privilege('n8n_one', datname, 'CONNECT') AS one, has_database_privilege('n8n_two', datname, 'CONNECT') AS two FROM pg_database WHERE datname LIKE 'n8n_%' ORDER BY datname",
    );
    await admin.end();
    expect(rows.rows).toEqual([
      { datname: "n8n_one", one: true, two: false },
      { datname: "n8n_two", one: false, two: true },
    ]);
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
