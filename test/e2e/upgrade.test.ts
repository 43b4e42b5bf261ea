import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TenantctlError } from "../../src/diagnostics/diagnostic.js";
import { resolve } from "../../src/model/resolve.js";
import { probeN8nData } from "../../src/products/n8n/data-probe.js";
import { keyFingerprint } from "../../src/lib/key-fingerprint.js";
import { listBackups } from "../../src/runtime/local/backup.js";
import { logFileName, type Plan } from "../../src/runtime/local/plan.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { readStatus, stopSupervisor, up } from "../../src/runtime/local/up.js";
import { PINNED } from "../../src/versions.js";
import { run } from "../support/cli.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";
import { connectAs } from "../support/postgres.js";
import { N8nClient, postWebhook } from "../support/n8n-client.js";

/**
 * A tenant's life across n8n releases on one machine, with real PostgreSQL, Redis and n8n:
 * filled on the last 1.x release, upgraded by `up` to the default 2.x (backup first, main
 * alone until migrated, then the rest), a downgrade refused, then backup → destroy → restore,
 * a restore with the wrong key refused, and a drill that proves the backup.
 */
const OLD = "1.123.81";
const NEW = PINNED.n8n;
const specText = (version: string) =>
  localSpec(
    "upgrade",
    `tenants:
  - name: delta
    zone: internal
    n8n: { version: ${version} }
  - name: epsilon
    zone: internal
`,
  );
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-upgrade-"));
const specDir = mkdtempSync(join(tmpdir(), "tenantctl-upgrade-spec-"));
const specFile = join(specDir, "platform.yaml");
const state = new StateDir(stateDir);
const log = (name: string) => readFileSync(state.path("logs", logFileName(name)), "utf8");
const secrets = () => state.readJson<Record<string, string>>("secrets/tenant-delta.json", {});
let client: N8nClient;
let workflowId = "";
let executionsBefore = 0;

/** The times the supervisor started a process on a release (its binary's path names the release). */
function starts(service: string, version: string): number[] {
  return [...log(service).matchAll(/^tenantctl: (\S+) starting (\S+): (.*)$/gm)]
    .filter((m) => m[2] === service && (m[3] ?? "").includes(`/n8n/${version}/`))
    .map((m) => Date.parse(m[1] ?? ""));
}

function mainProcess() {
  const main = state
    .readJson<Plan>("plan.json", { platform: "", services: [], routers: [] })
    .services.find((s) => s.name === "n8n:delta:main");
  if (main === undefined) throw new Error("no main in the plan");
  return { command: main.command, args: main.args, env: main.env, cwd: main.cwd ?? stateDir };
}

async function webhookAnswers(value: string): Promise<unknown> {
  const response = await postWebhook(new URL("/webhook/kept", client.baseUrl).toString(), value, 60_000);
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  writeFileSync(specFile, specText(OLD));
  const report = await up(resolve(validSpec(specText(OLD))), { stateDir, tenants: ["delta"] });
  const delta = report.tenants.find((t) => t.tenant.name === "delta");
  client = new N8nClient(delta?.url ?? "");
  await client.setUpOwner();
  await client.rest("POST", "/credentials", {
    name: "partner api",
    type: "httpHeaderAuth",
    data: { name: "X-Api-Key", value: "kept-across-releases" },
  });
  workflowId = (await client.webhookWorkflow("kept")).id;
  expect(await webhookAnswers("before")).toEqual({ echo: "before" });
  executionsBefore = (await client.executions(workflowId)).length;
}, 600_000);

afterAll(async () => {
  await stopSupervisor(state);
});

describe("an upgrade through up", () => {
  it("backs up, migrates with main alone, then starts the rest on the new release", async () => {
    writeFileSync(specFile, specText(NEW));
    const upgradeStarted = Date.now();
    const lines: string[] = [];
    await up(resolve(validSpec(specText(NEW))), {
      stateDir,
      tenants: ["delta"],
      progress: (l) => lines.push(l),
    });
    expect(lines.join("\n")).toContain(`upgrading delta: n8n.version ${OLD} → ${NEW}`);

    const [backup] = listBackups(state, "delta");
    expect(backup?.reason).toBe(`before n8n.version ${NEW}`);
    expect(backup?.release).toEqual({ "n8n.version": OLD });
    expect(backup?.keys).toEqual({ encryptionKey: keyFingerprint(secrets().encryptionKey ?? "") });
    expect(JSON.stringify(backup)).not.toContain(secrets().encryptionKey);

    const [mainOnNew] = starts("n8n:delta:main", NEW);
    const [workerOnNew] = starts("n8n:delta:worker-1", NEW);
    const backupTaken = Date.parse(backup?.createdAt ?? "");
    // The backup came first, then main alone on the new release, and only then a worker on it.
    expect(backupTaken).toBeGreaterThanOrEqual(upgradeStarted - 1000);
    expect(mainOnNew).toBeGreaterThan(backupTaken);
    expect(workerOnNew).toBeGreaterThan(mainOnNew ?? Number.POSITIVE_INFINITY);
    // The rest joined the running main: it started on the new release once, and was not restarted.
    expect(starts("n8n:delta:main", NEW)).toHaveLength(1);
    // No worker of the old release started after main began migrating.
    expect(starts("n8n:delta:worker-1", OLD).every((t) => t < (mainOnNew ?? 0))).toBe(true);
    // Main finished n8n's migrations in that first run, before any worker of the new release.
    const mainLog = log("n8n:delta:main");
    const firstRun = mainLog.slice(mainLog.indexOf(`/n8n/${NEW}/`));
    expect(firstRun).toMatch(/Finished migration|Migrations finished|Editor is now accessible/);

    expect((await client.rest<{ versionCli: string }>("GET", "/settings")).versionCli).toBe(NEW);
    expect(await webhookAnswers("after")).toEqual({ echo: "after" });
    expect(await probeN8nData(mainProcess())).toEqual([
      { name: "workflows", ok: true, detail: "1" },
      { name: "credentials decrypted", ok: true, detail: "1 of 1" },
    ]);
  }, 900_000);

  it("proves its check of credentials can fail: with another key they do not decrypt", async () => {
    const main = mainProcess();
    const checks = await probeN8nData({ ...main, env: { ...main.env, N8N_ENCRYPTION_KEY: "not-the-key" } });
    expect(checks.find((c) => c.name === "credentials decrypted")?.ok).toBe(false);
  }, 300_000);

  it("refuses a downgrade before anything stops, naming the backup to go back to", async () => {
    const pid = readStatus(state)?.supervisorPid;
    const refused = await up(resolve(validSpec(specText(OLD))), { stateDir, tenants: ["delta"] }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TenantctlError);
    const [diagnostic] = (refused as TenantctlError).diagnostics;
    expect(diagnostic?.code).toBe("up/downgrade");
    expect(diagnostic?.hint).toContain(`--from ${listBackups(state, "delta")[0]?.id}`);
    expect(readStatus(state)?.supervisorPid).toBe(pid);
  }, 60_000);
});

describe("backup, restore and drill", () => {
  let backupId = "";

  it("backs up through the CLI with a manifest, never the key", async () => {
    const r = await run("backup", specFile, "delta", "--state-dir", stateDir);
    expect(r.code, r.err).toBe(0);
    backupId = /backup (\S+) of delta/.exec(r.out)?.[1] ?? "";
    expect(backupId).not.toBe("");
    expect(r.out).toContain(keyFingerprint(secrets().encryptionKey ?? ""));
    expect(r.out).not.toContain(secrets().encryptionKey);
    const status = await run("status", "--state-dir", stateDir);
    expect(status.out).toMatch(/last backup/);
    expect(status.out).toMatch(/delta .* answering +just now/);
    const listed = await run("backup", specFile, "delta", "--list", "--state-dir", stateDir);
    expect(listed.out).toContain(backupId);
    expect(listed.out).toContain(`n8n.version ${NEW}`);
  }, 120_000);

  it("brings back workflows, executions and credentials after the data is destroyed", async () => {
    const plan = state.readJson<Plan>("plan.json", { platform: "", services: [], routers: [] });
    const env = plan.services.find((s) => s.name === "n8n:delta:main")?.env ?? {};
    const own = await connectAs(
      Number(env.DB_POSTGRESDB_PORT),
      env.DB_POSTGRESDB_USER ?? "",
      secrets().dbPassword ?? "",
      env.DB_POSTGRESDB_DATABASE ?? "",
    );
    own.on("error", () => undefined);
    let left: { rows: unknown[] };
    try {
      await own.query("TRUNCATE workflow_entity, credentials_entity, execution_entity CASCADE");
      left = await own.query("SELECT count(*)::int AS n FROM workflow_entity");
    } finally {
      await own.end();
    }
    expect(left.rows[0]).toEqual({ n: 0 });

    const r = await run("restore", specFile, "delta", "--from", backupId, "--state-dir", stateDir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`restored ${backupId} into delta .*kept as delta-`));
    expect(listBackups(state, "delta").some((b) => b.reason === `before restoring ${backupId}`)).toBe(true);

    await client.login();
    expect((await client.executions(workflowId)).length).toBe(executionsBefore + 1);
    expect(await webhookAnswers("restored")).toEqual({ echo: "restored" });
    expect(await probeN8nData(mainProcess())).toContainEqual({
      name: "credentials decrypted",
      ok: true,
      detail: "1 of 1",
    });
  }, 600_000);

  it("refuses a restore into a tenant with another key before anything changes", async () => {
    state.writeJson("secrets/tenant-epsilon.json", { encryptionKey: "epsilon-has-its-own-key" });
    const pid = readStatus(state)?.supervisorPid;
    const r = await run(
      "restore",
      specFile,
      "delta",
      "--from",
      backupId,
      "--as",
      "epsilon",
      "--state-dir",
      stateDir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("restore/key-mismatch");
    expect(r.err).toContain("nothing was changed");
    expect(readStatus(state)?.supervisorPid).toBe(pid);
    expect(existsSync(state.path("postgres", "tenant-epsilon"))).toBe(false);
  }, 60_000);

  it("refuses a backup whose file does not match its manifest before anything changes", async () => {
    const manifest = listBackups(state, "delta").find((b) => b.id === backupId);
    const forged = { ...manifest, id: `${backupId}-forged`, sha256: "0".repeat(64) };
    state.writeJson(`backups/delta/${forged.id}.json`, forged);
    const pid = readStatus(state)?.supervisorPid;
    const r = await run("restore", specFile, "delta", "--from", forged.id, "--state-dir", stateDir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("restore/corrupt-backup");
    expect(readStatus(state)?.supervisorPid).toBe(pid);
    rmSync(state.path("backups", "delta", `${forged.id}.json`));
  }, 60_000);

  it("drills: restores into a scratch tenant, checks the data, reports RPO and RTO, removes it", async () => {
    const r = await run("drill", specFile, "delta", "--from", backupId, "--state-dir", stateDir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`drill of delta from ${backupId}`);
    expect(r.out).toMatch(/ok +rows restored: \d+ in \d+ tables, as the backup recorded/);
    expect(r.out).toContain("passed");
    expect(r.out).toMatch(/RPO \d/);
    expect(r.out).toMatch(/RTO \d/);
    expect(r.out).toContain("credentials decrypted: 1 of 1");
    expect(r.out).toContain("workflows: 1");
    expect(readdirSync(state.path("drills"))).toEqual([]);
    // The tenant itself kept running through the drill.
    expect(await webhookAnswers("after drill")).toEqual({ echo: "after drill" });
  }, 900_000);
});
