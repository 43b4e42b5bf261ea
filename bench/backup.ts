// One measurement of a tenant's backup and restore on this machine (the argument: rows of about
// 1 KiB of random text in the tenant's database, written as its own role): `tenantctl backup`
// (pg_dump in custom format at compression level 1, inside one snapshot with exact row counts,
// checksum, manifest) against plain `pg_dump -Fc` of the same database (its default level, and 1), and `tenantctl restore` (which first keeps what it replaces
// as a backup of its own, then checks every table's rows) against plain `pg_restore` into an
// empty database. Same PostgreSQL, same data, one after the other.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { backupTenant, checkRestore, restoreTenant, tenantDatabase } from "../src/runtime/local/backup.js";
import { postgresTools } from "./postgres-tools.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { oneTenantModel } from "./n8n-load.js";

const rows = Number(process.argv[2] ?? "10000");
const model = oneTenantModel("benchbackup", "{}");
const tenant = model.tenants[0];
if (tenant === undefined) throw new Error("no tenant");

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-backup-"));
const state = new StateDir(stateDir);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const row: Record<string, string | number> = { rows };
try {
  await up(model, { stateDir, dataOnly: true });
  const { database, instance } = await tenantDatabase(state, tenant);
  const secrets = state.readJson<Record<string, string>>("secrets/tenant-t0.json", {});
  const own = new pg.Client({
    host: "127.0.0.1",
    port: database.port,
    user: database.user,
    password: secrets.dbPassword,
    database: database.name,
  });
  await own.connect();
  await own.query("CREATE TABLE execution_data (id serial PRIMARY KEY, data text)");
  await own.query(
    "INSERT INTO execution_data (data) SELECT (SELECT string_agg(md5(random()::text || g::text || i::text), '') FROM generate_series(1, 32) AS i) FROM generate_series(1, $1) AS g",
    [rows],
  );
  await own.end();

  const tools = postgresTools(instance);
  const plain = join(stateDir, "plain.dump");
  let t0 = performance.now();
  tools.dump(database.name, plain);
  const pgDump = seconds(t0);
  t0 = performance.now();
  tools.dump(database.name, `${plain}.z1`, ["-Z", "1"]);
  const pgDumpZ1 = seconds(t0);
  t0 = performance.now();
  const backup = await backupTenant(state, tenant, "bench", tenant.product.release);
  const ours = seconds(t0);
  row["pg_dump MiB"] = (statSync(plain).size / 2 ** 20).toFixed(1);
  row["backup MiB"] = (backup.bytes / 2 ** 20).toFixed(1);
  row["pg_dump s"] = pgDump.toFixed(2);
  row["pg_dump -Z1 s"] = pgDumpZ1.toFixed(2);
  row["tenantctl backup s"] = ours.toFixed(2);
  row["vs pg_dump"] = `${(ours / pgDump).toFixed(2)}×`;
  row["vs pg_dump -Z1"] = `${(ours / pgDumpZ1).toFixed(2)}×`;

  tools.createdb("plain_restore");
  t0 = performance.now();
  tools.restore("plain_restore", plain);
  const pgRestore = seconds(t0);
  t0 = performance.now();
  const plan = await checkRestore(state, state, backup, tenant, tenant.product.release, () => false);
  await restoreTenant(state, plan, tenant.product.release);
  const restore = seconds(t0);
  row["pg_restore s"] = pgRestore.toFixed(2);
  row["tenantctl restore s (with its safety backup)"] = restore.toFixed(2);
  row["restore ratio"] = `${(restore / pgRestore).toFixed(2)}×`;
} finally {
  await stopSupervisor(state);
  rmSync(stateDir, { recursive: true, force: true });
}
console.log(JSON.stringify(row));
