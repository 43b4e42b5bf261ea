// One measurement of `tenantctl import` (the argument: workflows; executions are ten times as
// many): a legacy n8n 1.123.81 on its own PostgreSQL, run once in regular mode to make its
// schema, an owner, a workflow and an execution, then grown by SQL to that many workflows and
// executions (copies of those, with their execution data); imported from its PostgreSQL URL
// into a tenant on the default 2.x. Beside it, the data move alone: pg_dump of the source and
// pg_restore into an empty database, what a hand migration without any proof would do.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { tenantDatabase } from "../src/runtime/local/backup.js";
import { importTenant } from "../src/runtime/local/import.js";
import { postgresTools } from "./postgres-tools.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor } from "../src/runtime/local/up.js";
import { PINNED } from "../src/versions.js";
import { N8nClient, postWebhook } from "../test/support/n8n-client.js";
import { oneTenantModel } from "./n8n-load.js";
import { startRegularN8n } from "../test/support/regular-n8n.js";

const workflows = Number(process.argv[2] ?? "100");
const executions = workflows * 10;
const legacyModel = oneTenantModel("benchlegacy", "{ version: 1.123.81 }");
const targetModel = oneTenantModel("benchimport", `{ version: ${PINNED.n8n} }`);
const legacyDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-legacy-"));
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-import-"));
const legacyState = new StateDir(legacyDir);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const row: Record<string, string | number> = { workflows, executions };

/** Copies of a table's row, `count` times, with some columns given (SQL expressions over g, the copy's number). */
async function copies(
  client: pg.Client,
  table: string,
  where: string,
  count: number,
  replace: Record<string, string>,
  omit: string[] = [],
): Promise<void> {
  const columns = (
    await client.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'public' ORDER BY ordinal_position",
      [table],
    )
  ).rows
    .map((r) => r.column_name)
    .filter((c) => !omit.includes(c));
  const ident = (c: string) => client.escapeIdentifier(c);
  await client.query(
    `INSERT INTO ${ident(table)} (${columns.map(ident).join(", ")}) SELECT ${columns
      .map((c) => replace[c] ?? `t.${ident(c)}`)
      .join(", ")} FROM ${ident(table)} t, generate_series(1, ${count}) g WHERE ${where}`,
  );
}

try {
  // The legacy stack, made once by n8n itself.
  const { url, child: legacy } = await startRegularN8n(legacyDir, legacyModel);
  const client = new N8nClient(url);
  await client.setUpOwner();
  const workflow = await client.webhookWorkflow("bench");
  await postWebhook(`${url}webhook/bench`, "x");
  legacy.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 3000));

  const tenant = legacyModel.tenants[0];
  if (tenant === undefined) throw new Error("no tenant");
  const { database, instance } = await tenantDatabase(legacyState, tenant);
  const su = new pg.Client({
    host: "127.0.0.1",
    port: instance.port,
    user: "postgres",
    password: instance.superuserPassword,
    database: database.name,
  });
  await su.connect();
  // Inactive copies (an active one would claim the same webhook path).
  await copies(su, "workflow_entity", `t.id = '${workflow.id}'`, workflows - 1, {
    id: "substr(md5(random()::text || g::text), 1, 16)",
    name: "t.name || ' copy ' || g",
    active: "false",
    versionId: "md5(random()::text || g::text)::uuid",
  });
  const first = (await su.query<{ id: number }>("SELECT min(id)::int AS id FROM execution_entity")).rows[0]
    ?.id;
  await copies(su, "execution_entity", `t.id = ${first}`, executions - 1, {}, ["id"]);
  await su.query(
    `INSERT INTO execution_data SELECT e.id, d."workflowData", d.data FROM execution_entity e, execution_data d WHERE d."executionId" = ${first} AND e.id <> ${first}`,
  );
  await su.end();

  const secrets = legacyState.readJson<Record<string, string>>("secrets/tenant-t0.json", {});
  const keyFile = join(stateDir, "legacy.key");
  writeFileSync(keyFile, secrets.encryptionKey ?? "", { mode: 0o600 });
  const tools = postgresTools(instance);
  const plain = join(stateDir, "plain.dump");
  let t0 = performance.now();
  tools.dump(database.name, plain);
  tools.createdb("plain_copy");
  tools.restore("plain_copy", plain);
  const plainSeconds = seconds(t0);

  const source = `postgres://${database.user}:${encodeURIComponent(secrets.dbPassword ?? "")}@127.0.0.1:${instance.port}/${database.name}`;
  t0 = performance.now();
  const report = await importTenant(targetModel, "t0", { stateDir, from: source, keyFile });
  const importSeconds = seconds(t0);
  row["dump MiB"] = (report.backup.bytes / 2 ** 20).toFixed(1);
  row["pg_dump + pg_restore s"] = plainSeconds.toFixed(1);
  row["tenantctl import s (to a running tenant)"] = importSeconds.toFixed(1);
  row.ratio = `${(importSeconds / plainSeconds).toFixed(1)}×`;
  row["workflows seen by n8n"] = report.checks.find((c) => c.name === "workflows")?.detail ?? "-";
} finally {
  await stopSupervisor(new StateDir(stateDir));
  await stopSupervisor(legacyState);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(legacyDir, { recursive: true, force: true });
}
console.log(JSON.stringify(row));
