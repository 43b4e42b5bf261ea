// One measurement of waking a sleeping tenant on this machine (the argument: active webhook
// workflows in the tenant): a tenant on the default 2.x, put to sleep through the supervisor's
// control endpoint (as tenantctl hibernate does), then a webhook call through its front door,
// which holds the call, wakes the tenant and answers it; three times, the median. Against the
// peer: the same tenant started cold (up, every process from nothing) and the same call.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control } from "../src/runtime/local/hibernation.js";
import { StateDir } from "../src/runtime/local/state.js";
import { readStatus, stopSupervisor, up } from "../src/runtime/local/up.js";
import { PINNED } from "../src/versions.js";
import { N8nClient, postWebhook } from "../test/support/n8n-client.js";
import { oneTenantModel } from "./n8n-load.js";

const workflows = Number(process.argv[2] ?? "10");
const model = oneTenantModel("benchsleep", `{ version: ${PINNED.n8n} }`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-sleep-"));
const state = new StateDir(stateDir);
try {
  const report = await up(model, { stateDir });
  const front = report.tenants[0]?.url ?? "";
  const client = new N8nClient(front);
  await client.setUpOwner();
  for (let i = 0; i < workflows; i++) await client.webhookWorkflow(`w${i}`);
  expect200(await postWebhook(`${front}webhook/w0`, "warm"));
  const sleeps: number[] = [];
  const wakes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const asleep = await control(state, "hibernate", "t0");
    sleeps.push((asleep?.ms ?? Number.NaN) / 1000);
    const t0 = performance.now();
    expect200(await postWebhook(`${front}webhook/w${i % workflows}`, `wake ${i}`, 180_000));
    wakes.push((performance.now() - t0) / 1000);
  }
  // The peer: everything stopped, then started cold, then the same call.
  await stopSupervisor(state);
  const t0 = performance.now();
  await up(model, { stateDir });
  expect200(await postWebhook(`${front}webhook/w0`, "cold", 180_000));
  const cold = (performance.now() - t0) / 1000;
  if (readStatus(state) === undefined) throw new Error("no status");
  console.log(
    JSON.stringify({
      workflows,
      "hibernate s": median(sleeps).toFixed(1),
      "wake + first answer s (median of 3)": median(wakes).toFixed(1),
      "cold up + first answer s": cold.toFixed(1),
      ratio: `${(median(wakes) / cold).toFixed(2)}×`,
    }),
  );
} finally {
  await stopSupervisor(state);
  rmSync(stateDir, { recursive: true, force: true });
}

function expect200(r: Response): void {
  if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
}
