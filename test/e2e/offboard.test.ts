import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { tenantDatabase } from "../../src/runtime/local/backup.js";
import { withSuperuser } from "../../src/runtime/local/postgres.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { stopSupervisor, up } from "../../src/runtime/local/up.js";
import { run } from "../support/cli.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";

/**
 * A tenant leaving this machine (its real PostgreSQL, up --data-only): the final backup holds
 * its rows and no key; its key is escrowed apart from the backups; the spec records it under
 * offboarded: with its day; status lists what is kept; down --purge refuses before the day.
 */
const text = localSpec(
  "leaving",
  "tenants:\n  - name: stayer\n    zone: internal\n  - name: leaver\n    zone: internal\n",
);
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-offboard-"));
const work = mkdtempSync(join(tmpdir(), "tenantctl-offboard-spec-"));
const specFile = join(work, "platform.yaml");
const state = new StateDir(stateDir);

beforeAll(async () => {
  writeFileSync(specFile, text);
  const model = resolve(validSpec(text));
  await up(model, { stateDir, tenants: ["leaver"], dataOnly: true });
  const { database, instance } = await tenantDatabase(state, model.tenants[1] as never);
  await withSuperuser(instance, database.name, async (client) => {
    await client.query("CREATE TABLE contracts (id int PRIMARY KEY, customer text)");
    await client.query("INSERT INTO contracts SELECT g, 'customer ' || g FROM generate_series(1, 250) g");
  });
}, 300_000);

afterAll(async () => {
  await stopSupervisor(state);
});

describe("tenantctl offboard on this machine", () => {
  it("takes the final backup, escrows the key apart from it, and moves the tenant to offboarded:", async () => {
    const key = state.readJson<Record<string, string>>("secrets/tenant-leaver.json", {}).encryptionKey ?? "";
    expect(key.length).toBeGreaterThan(20);
    const r = await run("offboard", specFile, "leaver", "--retain", "6m", "--state-dir", stateDir);
    expect(r.code, r.err).toBe(0);
    expect(`${r.out}${r.err}`).not.toContain(key);
    const backups = readdirSync(state.path("backups", "leaver"));
    const manifest = backups.find((f) => f.endsWith(".json")) ?? "";
    const recorded = JSON.parse(readFileSync(state.path("backups", "leaver", manifest), "utf8")) as {
      id: string;
      reason: string;
      rows: Record<string, number>;
    };
    expect(recorded.reason).toMatch(/^offboard \(kept through \d{4}-\d{2}-\d{2}\)$/);
    expect(Object.entries(recorded.rows)).toContainEqual([expect.stringMatching(/contracts$/), 250]);
    // Nothing under backups/ holds the key; the escrow, elsewhere, does.
    for (const f of backups)
      expect(readFileSync(state.path("backups", "leaver", f)).includes(key), f).toBe(false);
    const escrow = JSON.parse(
      readFileSync(state.path("escrow", "leaver", `${recorded.id}.json`), "utf8"),
    ) as {
      keys: Record<string, string>;
    };
    expect(escrow.keys.encryptionKey).toBe(key);
    const spec = validSpec(readFileSync(specFile, "utf8"));
    expect(spec.tenants.map((t) => t.name)).toEqual(["stayer"]);
    expect(spec.offboarded).toEqual([
      {
        name: "leaver",
        zone: "internal",
        until: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        backup: recorded.id,
      },
    ]);
    // Its database files stay where they were.
    expect(existsSync(state.path("postgres", "tenant-leaver", "data", "PG_VERSION"))).toBe(true);
  }, 300_000);

  it("lists what it keeps, and refuses down --purge before the day", async () => {
    const status = await run("status", "--retained", specFile, "--state-dir", stateDir);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(
      /leaver\s+database, backup leaver-\S+, keys in \S+escrow\S+ \(this machine\)\s+\d{4}-\d{2}-\d{2}/,
    );
    const purge = await run("down", "--purge", "--state-dir", stateDir);
    expect(purge.code).toBe(1);
    expect(purge.err).toContain("down/retained-data");
    expect(existsSync(state.path("escrow", "leaver"))).toBe(true);
    expect(existsSync(state.path("postgres", "tenant-leaver", "data", "PG_VERSION"))).toBe(true);
  }, 120_000);
});
