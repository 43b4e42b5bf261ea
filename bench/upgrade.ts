// One measurement of an n8n upgrade on this machine (the argument: workflows in the tenant): a
// tenant on 1.123.81 filled with that many active webhook workflows through n8n's REST API is
// moved to the default 2.x by `up`, staged (every process stopped, a backup, main alone until
// migrated, then the rest), against the same move unstaged, as n8n's own instructions would
// have it (everything restarted on the new release at once), on a second, identical tenant.
// Same machine, one after the other; time from `up` to every process ready.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listBackups } from "../src/runtime/local/backup.js";
import { StateDir } from "../src/runtime/local/state.js";
import { stopSupervisor, up } from "../src/runtime/local/up.js";
import { PINNED } from "../src/versions.js";
import { N8nClient } from "../test/support/n8n-client.js";
import { oneTenantModel } from "./n8n-load.js";

const workflows = Number(process.argv[2] ?? "10");
const OLD = "1.123.81";
const spec = (version: string) => oneTenantModel("benchupgrade", `{ version: ${version} }`);

/** A fresh state directory with the tenant on 1.123.81 and its workflows; then `up` on the new release, staged or not. */
async function measure(staged: boolean): Promise<{ seconds: number; backupSeconds: number | undefined }> {
  const stateDir = mkdtempSync(join(tmpdir(), "tenantctl-bench-upgrade-"));
  const state = new StateDir(stateDir);
  try {
    const report = await up(spec(OLD), { stateDir });
    const client = new N8nClient(report.tenants[0]?.url ?? "");
    await client.setUpOwner();
    for (let i = 0; i < workflows; i++) await client.webhookWorkflow(`w${i}`);
    await stopSupervisor(state);
    // Unstaged: nothing records what the data ran on, so up starts everything on the new release at once.
    if (!staged) rmSync(state.path("releases.json"));
    if (!staged) rmSync(state.path("logs"), { recursive: true, force: true });
    const t0 = performance.now();
    await up(spec(PINNED.n8n), { stateDir });
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, backupSeconds: listBackups(state, "t0")[0]?.seconds };
  } finally {
    await stopSupervisor(state);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const stagedRun = await measure(true);
const naiveRun = await measure(false);
console.log(
  JSON.stringify({
    workflows,
    move: `${OLD} → ${PINNED.n8n}`,
    "staged s (tenantctl up)": stagedRun.seconds.toFixed(1),
    "of which backup s": stagedRun.backupSeconds?.toFixed(1) ?? "-",
    "all at once s": naiveRun.seconds.toFixed(1),
    ratio: `${(stagedRun.seconds / naiveRun.seconds).toFixed(2)}×`,
  }),
);
