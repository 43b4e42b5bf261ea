/** Where an n8n release lives once installed, and what it needs: knowledge of n8n, not of the machine. */
import { join } from "node:path";
import { compareVersions } from "../../versions.js";

/** n8n 2.x needs Node ≥ 24; 1.x runs on Node 20. */
export function nodeRequiredFor(n8nVersion: string): string {
  return compareVersions(n8nVersion, "2.0.0") >= 0 ? "24.0.0" : "20.0.0";
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
