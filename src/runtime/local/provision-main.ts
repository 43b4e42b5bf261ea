/**
 * A supervisor job: creates the roles and databases of one PostgreSQL instance of `up`
 * (idempotent), from the grants that `up` wrote into the 0600 state directory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type DatabaseGrant, type PostgresInstance, provisionDatabases } from "./postgres.js";

const [stateRoot = "", instanceName = ""] = process.argv.slice(2);
const file = join(stateRoot, "postgres", instanceName, "provision.json");
const { instance, grants } = JSON.parse(readFileSync(file, "utf8")) as {
  instance: PostgresInstance;
  grants: DatabaseGrant[];
};
let lastError: unknown;
for (let attempt = 0; attempt < 30; attempt++) {
  try {
    const disabled = await provisionDatabases(instance, grants);
    console.log(
      `provisioned ${grants.map((g) => `${g.database} (${g.role})`).join(", ")} on ${instanceName}`,
    );
    if (disabled.length > 0)
      console.log(
        `${instanceName}: ${disabled.join(", ")} may no longer log in (no tenant up runs here uses them; their databases are kept)`,
      );
    process.exit(0);
  } catch (error) {
    lastError = error;
    await new Promise((r) => setTimeout(r, 500));
  }
}
console.error(`provisioning ${instanceName} failed: ${(lastError as Error).message}`);
process.exit(1);
