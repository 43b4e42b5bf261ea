import { homedir } from "node:os";
import { join } from "node:path";

/** tenantctl's cache outside the project (installed n8n releases, built tools): TENANTCTL_CACHE or ~/.cache/tenantctl. */
export function cacheRoot(): string {
  return process.env.TENANTCTL_CACHE ?? join(homedir(), ".cache", "tenantctl");
}
