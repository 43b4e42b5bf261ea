import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { listBackups, tenantDatabase } from "../../src/runtime/local/backup.js";
import { postgresBinDir } from "../../src/runtime/local/prerequisites.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { readStatus, stopSupervisor, up } from "../../src/runtime/local/up.js";
import { PINNED } from "../../src/versions.js";
import { run } from "../support/cli.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";
import {
  connectNodes,
  credentialCallNode,
  N8nClient,
  postWebhook,
  webhookNode,
} from "../support/n8n-client.js";
import { startRegularN8n } from "../support/regular-n8n.js";

/**
 * Moving in from an ECS stack: a legacy n8n of its own (1.123.81, regular mode, its own
 * PostgreSQL, its own random key), filled through its REST API with a credential, a workflow
 * that sends the credential to a local echo service, and executions; imported into a platform
 * tenant on the default 2.x, from a dump file and from its PostgreSQL URL. A wrong key and a
 * dump from a newer n8n are refused before anything of the tenant changes.
 */
const LEGACY = "1.123.81";
const legacyModel = resolve(
  validSpec(
    localSpec("legacy", `tenants:\n  - name: ecs\n    zone: internal\n    n8n: { version: ${LEGACY} }\n`),
  ),
);
const platformText = localSpec(
  "moving",
  `tenants:\n  - name: newco\n    zone: internal\n  - name: oldco\n    zone: internal\n    n8n: { version: ${LEGACY} }\n`,
);
const legacyDir = mkdtempSync(join(tmpdir(), "tenantctl-legacy-"));
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-import-"));
const work = mkdtempSync(join(tmpdir(), "tenantctl-import-files-"));
const specFile = join(work, "platform.yaml");
const keyFile = join(work, "ecs.key");
const wrongKeyFile = join(work, "wrong.key");
const dumpFile = join(work, "ecs.dump");
const legacyState = new StateDir(legacyDir);
const state = new StateDir(stateDir);
let legacy: ChildProcess | undefined;
let echo: Server;
let sourceUrl = "";
const received: string[] = [];

beforeAll(async () => {
  writeFileSync(specFile, platformText);
  echo = createServer((req, res) => {
    received.push(String(req.headers["x-api-key"] ?? ""));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ key: req.headers["x-api-key"] ?? "" }));
  });
  await new Promise<void>((ok) => echo.listen(0, "127.0.0.1", ok));
  const echoPort = (echo.address() as AddressInfo).port;

  // The legacy stack: its PostgreSQL (up --data-only in a state directory of its own) and n8n in
  // regular mode on it, with the key that state generated for it.
  const started = await startRegularN8n(legacyDir, legacyModel);
  legacy = started.child;
  const url = started.url;
  const client = new N8nClient(url);
  await client.setUpOwner();
  const credential = await client.rest<{ id: string }>("POST", "/credentials", {
    name: "partner key",
    type: "httpHeaderAuth",
    data: { name: "X-Api-Key", value: "moved-from-ecs" },
  });
  await client.activeWorkflow(
    "calls the partner",
    [
      webhookNode("from-ecs", "lastNode"),
      credentialCallNode(`http://127.0.0.1:${echoPort}/`, { id: credential.id, name: "partner key" }),
    ],
    connectNodes("Webhook", "Call"),
  );
  const answered = await postWebhook(`${url}webhook/from-ecs`, "on ecs");
  expect(await answered.json()).toEqual({ key: "moved-from-ecs" });
  legacy.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 3000));

  const secrets = legacyState.readJson<Record<string, string>>("secrets/tenant-ecs.json", {});
  writeFileSync(keyFile, `${secrets.encryptionKey}\n`, { mode: 0o600 });
  writeFileSync(wrongKeyFile, "not-the-key-of-that-stack\n", { mode: 0o600 });
  const { database, instance } = await tenantDatabase(legacyState, legacyModel.tenants[0] as never);
  execFileSync(
    join(postgresBinDir() ?? "", "pg_dump"),
    [
      "-h",
      "127.0.0.1",
      "-p",
      String(instance.port),
      "-U",
      "postgres",
      "-d",
      database.name,
      "-Fc",
      "-f",
      dumpFile,
    ],
    { env: { ...process.env, PGPASSWORD: instance.superuserPassword } },
  );
  sourceUrl = `postgres://${database.user}:${encodeURIComponent(secrets.dbPassword ?? "")}@127.0.0.1:${instance.port}/${database.name}`;
}, 600_000);

afterAll(async () => {
  legacy?.kill("SIGKILL");
  echo.close();
  await stopSupervisor(legacyState);
  await stopSupervisor(state);
});

describe("tenantctl import", () => {
  it("refuses a wrong key before anything of the tenant changes", async () => {
    await up(resolve(validSpec(platformText)), { stateDir, tenants: ["newco"] });
    const pid = readStatus(state)?.supervisorPid;
    const keyBefore = state.readJson<Record<string, string>>("secrets/tenant-newco.json", {}).encryptionKey;
    const r = await run(
      "import",
      specFile,
      "newco",
      "--from",
      dumpFile,
      "--encryption-key-file",
      wrongKeyFile,
      "--state-dir",
      stateDir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("import/key-mismatch");
    expect(r.err).toContain("nothing was changed");
    expect(r.err).not.toContain("not-the-key-of-that-stack");
    expect(readStatus(state)?.supervisorPid).toBe(pid);
    expect(state.readJson<Record<string, string>>("secrets/tenant-newco.json", {}).encryptionKey).toBe(
      keyBefore,
    );
    expect(listBackups(state, "newco")).toEqual([]);
    expect(readdirSync(state.path("backups", "newco"))).toEqual([]);
    expect(readdirSync(state.path("imports"))).toEqual([]);
  }, 600_000);

  it("imports from the source's PostgreSQL URL: workflows active, the webhook answers, the credential decrypts", async () => {
    const r = await run(
      "import",
      specFile,
      "newco",
      "--from",
      sourceUrl,
      "--encryption-key-file",
      keyFile,
      "--state-dir",
      stateDir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /imported into newco in [\d.]+ s: \d+ rows, workflows 1, credentials decrypted 1 of 1/,
    );
    expect(`${r.out}${r.err}`).not.toContain(sourceUrl.split("@")[0]?.split(":")[2] ?? "no password");
    const status = await run("status", "--urls", "--state-dir", stateDir);
    const front =
      status.out
        .split("\n")
        .find((l) => l.startsWith("newco\t"))
        ?.split("\t")[1] ?? "";
    received.length = 0;
    const answered = await postWebhook(`${front}webhook/from-ecs`, "on the platform", 60_000);
    expect(answered.status).toBe(200);
    // A worker of the tenant decrypted the credential with the imported key and sent it.
    expect(await answered.json()).toEqual({ key: "moved-from-ecs" });
    expect(received).toEqual(["moved-from-ecs"]);
    const client = new N8nClient(front);
    await client.login();
    expect((await client.rest<{ versionCli: string }>("GET", "/settings")).versionCli).toBe(PINNED.n8n);
    expect(listBackups(state, "newco").map((b) => b.reason)).toContain(
      `import from ${sourceUrl.replace(/:[^:@/]+@/, ":***@")}`,
    );
  }, 900_000);

  it("refuses a dump from a newer n8n (the tenant's own 2.x data into a 1.x tenant)", async () => {
    const backup = await run("backup", specFile, "newco", "--state-dir", stateDir);
    expect(backup.code, backup.err).toBe(0);
    const id = /backup (\S+) of newco/.exec(backup.out)?.[1] ?? "";
    const newer = state.path("backups", "newco", `${id}.dump`);
    const newcoKey = join(work, "newco.key");
    writeFileSync(
      newcoKey,
      state.readJson<Record<string, string>>("secrets/tenant-newco.json", {}).encryptionKey ?? "",
    );
    const r = await run(
      "import",
      specFile,
      "oldco",
      "--from",
      newer,
      "--encryption-key-file",
      newcoKey,
      "--state-dir",
      stateDir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("import/newer-schema");
    expect(r.err).toContain(`newer than ${LEGACY}`);
    expect(existsSync(state.path("postgres", "tenant-oldco"))).toBe(false);
  }, 600_000);
});
