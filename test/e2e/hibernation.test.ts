import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import type { Status } from "../../src/runtime/local/plan.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { alive } from "../../src/runtime/local/run-plan.js";
import { readStatus, stopSupervisor, up } from "../../src/runtime/local/up.js";
import { run } from "../support/cli.js";
import { validSpec } from "../support/example.js";
import { localSpec } from "../support/local-spec.js";
import { N8nClient, postWebhook } from "../support/n8n-client.js";

/**
 * A tenant that sleeps on this machine (real n8n 2.x in queue mode, its own PostgreSQL and
 * Redis): refused hibernation by name while a schedule needs main; asleep, none of its processes
 * runs; a webhook call through its front door wakes it and is answered; idle, it sleeps again
 * by itself; `wake` starts it.
 */
const IDLE_SECONDS = 20;
const text = localSpec(
  "sleepers",
  `tenants:\n  - name: sleepy\n    zone: internal\n    hibernation: { idleAfter: ${IDLE_SECONDS}s }\n`,
);
const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-hibernation-"));
const work = mkdtempSync(join(tmpdir(), "tenantctl-hibernation-spec-"));
const specFile = join(work, "platform.yaml");
const state = new StateDir(stateDir);
let front = "";
let client: N8nClient;
let schedule = "";

/** The pids of the tenant's processes (n8n main, worker, webhook processor, runners) that run. */
function tenantPids(status: Status | undefined): number[] {
  return Object.entries(status?.services ?? {})
    .filter(([name]) => name.split(":")[1] === "sleepy")
    .flatMap(([, s]) => (s.pid === undefined ? [] : [s.pid]));
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const asleep = () => (readStatus(state)?.asleep ?? []).includes("sleepy");

beforeAll(async () => {
  writeFileSync(specFile, text);
  await up(resolve(validSpec(text)), { stateDir, tenants: ["sleepy"] });
  front = `http://127.0.0.1:${readStatus(state)?.routers[0]?.port}/`;
  client = new N8nClient(front);
  await client.setUpOwner();
  await client.webhookWorkflow("wake-me");
  const scheduled = await client.activeWorkflow(
    "nightly report",
    [
      {
        id: "schedule",
        name: "Schedule Trigger",
        type: "n8n-nodes-base.scheduleTrigger",
        typeVersion: 1.2,
        position: [0, 0],
        parameters: { rule: { interval: [{ field: "hours", hoursInterval: 24 }] } },
      },
    ],
    {},
  );
  schedule = scheduled.id;
}, 600_000);

afterAll(async () => {
  await stopSupervisor(state);
});

describe("hibernation on this machine", () => {
  it("refuses to put a tenant to sleep while a schedule needs its main, naming the workflow", async () => {
    const pids = tenantPids(readStatus(state));
    const r = await run("hibernate", specFile, "sleepy", "--state-dir", stateDir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("hibernate/stays-awake");
    expect(r.err).toMatch(/nightly report: runs on main: a schedule/);
    expect(readFileSync(specFile, "utf8")).toBe(text);
    expect(asleep()).toBe(false);
    expect(tenantPids(readStatus(state))).toEqual(pids);
    // Idle all the while, it stays awake for the same reason, said in the supervisor's log.
    await until(
      "told in the log",
      () =>
        readFileSync(state.path("logs", "supervisor.log"), "utf8").includes(
          "sleepy: idle but stays awake: nightly report",
        ),
      (IDLE_SECONDS + 15) * 1000,
    );
    expect(asleep()).toBe(false);
  }, 120_000);

  it("puts it to sleep once the schedule is off: no process of the tenant runs, the spec says so", async () => {
    await client.rest("POST", `/workflows/${schedule}/deactivate`);
    const pids = tenantPids(readStatus(state));
    expect(pids.length).toBeGreaterThanOrEqual(3);
    const r = await run("hibernate", specFile, "sleepy", "--state-dir", stateDir);
    expect(r.code, r.err).toBe(0);
    expect(asleep()).toBe(true);
    expect(pids.filter((pid) => alive(pid))).toEqual([]);
    expect(tenantPids(readStatus(state))).toEqual([]);
    expect(readFileSync(specFile, "utf8")).toContain("hibernation: { idleAfter: 20s, asleep: true }");
    const status = await run("status", "--state-dir", stateDir);
    expect(status.out).toContain("asleep (a request wakes it)");
  }, 120_000);

  it("wakes on a webhook call through the front door, which holds the call and answers it", async () => {
    const started = performance.now();
    const answered = await postWebhook(`${front}webhook/wake-me`, "good morning", 120_000);
    const seconds = (performance.now() - started) / 1000;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ echo: "good morning" });
    expect(asleep()).toBe(false);
    expect(tenantPids(readStatus(state)).length).toBeGreaterThanOrEqual(3);
    // The wake time, for the record (bench/hibernation.ts measures it over several runs).
    console.log(`woken and answered in ${seconds.toFixed(1)} s`);
    expect(readFileSync(state.path("logs", "supervisor.log"), "utf8")).toMatch(/sleepy: awake in \d+ ms/);
  }, 180_000);

  it("goes back to sleep by itself after idleAfter without a request", async () => {
    await until("asleep", asleep, (IDLE_SECONDS + 20) * 1000);
    expect(tenantPids(readStatus(state))).toEqual([]);
    expect(readFileSync(state.path("logs", "supervisor.log"), "utf8")).toContain(
      `sleepy: asleep after ${IDLE_SECONDS} s without a request`,
    );
  }, 120_000);

  it("wakes with tenantctl wake, which also takes asleep out of the spec", async () => {
    const r = await run("wake", specFile, "sleepy", "--state-dir", stateDir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/sleepy: awake on this machine in [\d.]+ s/);
    expect(asleep()).toBe(false);
    expect(readFileSync(specFile, "utf8")).toBe(text);
    const settings = await client.request("GET", "/rest/settings");
    expect(settings.status).toBe(200);
  }, 180_000);
});
