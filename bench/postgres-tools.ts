// The peer of tenantctl's backup, restore and import: PostgreSQL's own tools as a person runs
// them, as the server's superuser, on a server `up` started.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { PostgresInstance } from "../src/runtime/local/postgres.js";
import { postgresBinDir } from "../src/runtime/local/prerequisites.js";

export function postgresTools(instance: PostgresInstance) {
  const env = { ...process.env, PGPASSWORD: instance.superuserPassword };
  const connection = ["-h", "127.0.0.1", "-p", String(instance.port), "-U", "postgres"];
  const tool = (name: string, args: readonly string[]) =>
    execFileSync(join(postgresBinDir() ?? "", name), [...connection, ...args], { env });
  return {
    /** `pg_dump -Fc` of a database into a file, with more options when given (`-Z 1`). */
    dump: (database: string, file: string, options: readonly string[] = []) =>
      tool("pg_dump", ["-d", database, "-Fc", ...options, "-f", file]),
    createdb: (database: string) => tool("createdb", [database]),
    /** `pg_restore` of a dump into an existing database, its objects owned by the superuser. */
    restore: (database: string, file: string) => tool("pg_restore", ["-d", database, "--no-owner", file]),
  };
}
