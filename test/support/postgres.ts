import pg from "pg";

/** A connection to a PostgreSQL of `up` as a given role (rejects as the server does). */
export async function connectAs(
  port: number,
  user: string,
  password: string,
  database: string,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user,
    password,
    database,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  return client;
}
