/**
 * n8n in its own regular single-process mode (`n8n start` with EXECUTIONS_MODE=regular), the way
 * an ECS stack or a single VM runs it: on the PostgreSQL of a tenant that `up --data-only`
 * started, with that tenant's main environment (its database, its key), on the same Node.js.
 * The peer in the throughput benchmark, and the legacy stack an import moves in from.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Model } from "../../src/model/resolve.js";
import { buildLocalLayout } from "../../src/runtime/local/local-plan.js";
import { StateDir } from "../../src/runtime/local/state.js";
import { up } from "../../src/runtime/local/up.js";

/** Waits until n8n's REST API answers JSON (its editor page answers before that). */
export async function waitForN8n(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`${url}rest/settings`);
      if (r.ok && (r.headers.get("content-type") ?? "").includes("json")) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("single-process n8n did not become ready");
}

/** The model's first tenant as a regular-mode n8n on its own data services; ready when it returns. */
export async function startRegularN8n(
  stateDir: string,
  model: Model,
): Promise<{ url: string; child: ChildProcess }> {
  const tenant = model.tenants[0];
  if (tenant === undefined) throw new Error("no tenant");
  await up(model, { stateDir, dataOnly: true });
  const layout = await buildLocalLayout(new StateDir(stateDir), model, [tenant]);
  const main = layout.plan.services.find((s) => s.name === `n8n:${tenant.name}:main`);
  if (main === undefined) throw new Error("no main process in the plan");
  const url = `http://127.0.0.1:${main.env.N8N_PORT}/`;
  const child = spawn(main.command, main.args, {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/",
      ...main.env,
      EXECUTIONS_MODE: "regular",
      // Main takes production webhooks itself: there are no webhook processors.
      N8N_DISABLE_PRODUCTION_MAIN_PROCESS: "false",
      WEBHOOK_URL: url,
      N8N_EDITOR_BASE_URL: url,
    },
    stdio: "ignore",
  });
  try {
    await waitForN8n(url);
    return { url, child };
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
}
