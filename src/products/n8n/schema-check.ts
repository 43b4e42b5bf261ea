/**
 * Whether a database's n8n schema is newer than a release knows: n8n records each migration it
 * ran (table `migrations`, a 13-digit timestamp per migration), and a release ships its
 * migrations as files named by those timestamps (@n8n/db's migrations, PostgreSQL's and the
 * common ones). Data migrated by a later release than the latest file cannot be run by it.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { n8nDirectory } from "./release.js";

export type Query = (sql: string) => Promise<readonly Record<string, unknown>[]>;

/** The newest migration a release ships, or undefined when its files are not where they are expected. */
export function latestMigration(cache: string, version: string): number | undefined {
  const root = join(n8nDirectory(cache, version), "node_modules", "@n8n", "db", "dist", "migrations");
  const stamps = ["postgresdb", "common"]
    .map((d) => join(root, d))
    .filter((d) => existsSync(d))
    .flatMap((d) => readdirSync(d))
    .map((f) => /^(\d{13})-/.exec(f)?.[1])
    .filter((t): t is string => t !== undefined)
    .map(Number);
  return stamps.length === 0 ? undefined : Math.max(...stamps);
}

/** Why the database cannot be run by `version`, or undefined when it can. */
export async function n8nSchemaProblem(
  query: Query,
  version: string,
  cache: string,
): Promise<string | undefined> {
  let rows: readonly Record<string, unknown>[];
  try {
    rows = await query(
      "SELECT timestamp::text AS stamp, name FROM migrations ORDER BY timestamp DESC LIMIT 1",
    );
  } catch {
    return "it has no n8n migrations table: it is not an n8n database (or n8n uses a table prefix there)";
  }
  const newest = rows[0];
  if (newest === undefined) return "its n8n migrations table is empty: n8n never ran on it";
  const known = latestMigration(cache, version);
  if (known === undefined)
    return `n8n ${version}'s migrations are not installed here (tenantctl up installs it)`;
  if (Number(newest.stamp) > known)
    return `its schema was migrated by an n8n newer than ${version} (migration ${String(newest.name)}); ${version} cannot run it`;
  return undefined;
}
