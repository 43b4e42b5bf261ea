/**
 * A PostgreSQL server of `up`: initialised once into the state directory, run by the OS user
 * `postgres` when tenantctl runs as root (PostgreSQL refuses root), listening on loopback only.
 * Each tenant role may log in to its same-named database only (pg_hba `sameuser`), and CONNECT
 * is revoked from PUBLIC on every database, so a tenant's credentials open nothing else.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { StateDir } from "./state.js";

export interface PostgresInstance {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly superuserPassword: string;
  readonly owner: { uid: number; gid: number } | undefined;
}

export interface DatabaseGrant {
  readonly database: string;
  readonly role: string;
  readonly password: string;
}

const HBA = `# tenantctl: loopback only; a tenant role reaches its same-named database and nothing else.
local   all       postgres                  peer
host    all       postgres  127.0.0.1/32    scram-sha-256
host    sameuser  all       127.0.0.1/32    scram-sha-256
host    all       all       0.0.0.0/0       reject
host    all       all       ::/0            reject
`;

export function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export function initPostgres(binDir: string, instance: PostgresInstance): void {
  // The instance's directory: traversable for the postgres user, data and socket its own.
  const home = join(instance.dataDir, "..");
  mkdirSync(home, { recursive: true });
  chmodSync(join(home, ".."), 0o711);
  chmodSync(home, 0o711);
  mkdirSync(instance.socketDir, { recursive: true, mode: 0o700 });
  if (instance.owner) chownSync(instance.socketDir, instance.owner.uid, instance.owner.gid);
  if (!existsSync(join(instance.dataDir, "PG_VERSION"))) {
    mkdirSync(instance.dataDir, { recursive: true, mode: 0o700 });
    if (instance.owner) chownSync(instance.dataDir, instance.owner.uid, instance.owner.gid);
    const pwfile = join(instance.dataDir, "..", `.pw-${process.pid}`);
    writeFileSync(pwfile, `${instance.superuserPassword}\n`, { mode: 0o600 });
    if (instance.owner) chownSync(pwfile, instance.owner.uid, instance.owner.gid);
    try {
      execFileSync(
        join(binDir, "initdb"),
        [
          "-D",
          instance.dataDir,
          "-U",
          "postgres",
          "--pwfile",
          pwfile,
          "-E",
          "UTF8",
          "--locale=C",
          "--auth-host=scram-sha-256",
          "--auth-local=peer",
        ],
        { stdio: ["ignore", "ignore", "pipe"], ...(instance.owner ?? {}) },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const hba = join(instance.dataDir, "pg_hba.conf");
  writeFileSync(hba, HBA, { mode: 0o600 });
  if (instance.owner) chownSync(hba, instance.owner.uid, instance.owner.gid);
}

export function postgresArgs(instance: PostgresInstance): string[] {
  return [
    "-D",
    instance.dataDir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    `port=${instance.port}`,
    // Its Unix socket only where the path fits (107 bytes at most: a scratch copy's state
    // directory nests deep); nothing of tenantctl connects through it, all goes over TCP.
    "-c",
    `unix_socket_directories=${socketPathFits(instance.socketDir, instance.port) ? instance.socketDir : ""}`,
    "-c",
    "max_connections=60",
    "-c",
    "shared_buffers=32MB",
    "-c",
    "password_encryption=scram-sha-256",
  ];
}

/** Whether the directory chain lets the postgres user in (a state dir under /root does not). */
export function reachableByPostgres(dir: string): boolean {
  const owner = postgresOwner();
  if (!owner) return true;
  let path = dir;
  while (path !== "/" && path !== ".") {
    if (existsSync(path)) {
      const mode = statSync(path).mode;
      if ((mode & 0o001) === 0 && statSync(path).uid !== owner.uid) return false;
    }
    path = join(path, "..");
  }
  return true;
}

/** Marks the roles tenantctl made (a comment on the role): the only ones it ever disables. */
const ROLE_MARK = "tenantctl: a tenant's role";

/**
 * Creates each role and database once (idempotent), closes every door but its own, and stops
 * the roles of tenants no longer run here from logging in.
 */
export async function provisionDatabases(
  instance: PostgresInstance,
  grants: readonly DatabaseGrant[],
): Promise<string[]> {
  return withSuperuser(instance, "postgres", async (client) => {
    const ident = (name: string) => client.escapeIdentifier(name);
    for (const g of grants) {
      const role = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [g.role]);
      const verb = role.rowCount === 0 ? "CREATE" : "ALTER";
      await client.query(
        `${verb} ROLE ${ident(g.role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${client.escapeLiteral(g.password)}`,
      );
      const db = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [g.database]);
      if (db.rowCount === 0)
        await client.query(`CREATE DATABASE ${ident(g.database)} OWNER ${ident(g.role)}`);
      await client.query(`REVOKE CONNECT ON DATABASE ${ident(g.database)} FROM PUBLIC`);
      await client.query(`GRANT CONNECT ON DATABASE ${ident(g.database)} TO ${ident(g.role)}`);
      await client.query(`COMMENT ON ROLE ${ident(g.role)} IS ${client.escapeLiteral(ROLE_MARK)}`);
    }
    // Roles tenantctl made for tenants it no longer runs on this server may not log in any more;
    // their databases stay (data is never deleted implicitly), and a later grant re-enables them.
    const stale = await client.query<{ rolname: string }>(
      "SELECT rolname FROM pg_roles WHERE rolcanlogin AND shobj_description(oid, 'pg_authid') = $1 AND NOT rolname = ANY($2)",
      [ROLE_MARK, grants.map((g) => g.role)],
    );
    for (const { rolname } of stale.rows) await client.query(`ALTER ROLE ${ident(rolname)} NOLOGIN`);
    for (const shared of ["postgres", "template1"]) {
      await client.query(`REVOKE CONNECT ON DATABASE ${ident(shared)} FROM PUBLIC`);
    }
    return stale.rows.map((r) => r.rolname);
  });
}

export function instanceFor(
  state: StateDir,
  name: string,
  port: number,
  owner: PostgresInstance["owner"],
): PostgresInstance {
  const superuserPassword = state.secrets(`postgres-${name}`, ["superuser"]).superuser ?? "";
  return {
    name,
    port,
    dataDir: state.path("postgres", name, "data"),
    socketDir: state.path("postgres", name, "socket"),
    superuserPassword,
    owner,
  };
}

/** The server's superuser connection to one of its databases, for `work`, closed however it ends. */
export async function withSuperuser<T>(
  instance: PostgresInstance,
  database: string,
  work: (client: pg.Client) => Promise<T>,
  options: { connectionTimeoutMillis?: number } = {},
): Promise<T> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: instance.port,
    user: "postgres",
    password: instance.superuserPassword,
    database,
    ...options,
  });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether PostgreSQL can make its socket `<dir>/.s.PGSQL.<port>` (sun_path holds 107 bytes). */
function socketPathFits(dir: string, port: number): boolean {
  return Buffer.byteLength(`${dir}/.s.PGSQL.${port}`) <= 107;
}
