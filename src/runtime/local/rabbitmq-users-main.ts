/**
 * A supervisor job: once a RabbitMQ node of `up` answers, removes the users tenantctl made on it
 * for tenants it no longer runs there (./rabbitmq.ts, pruneStaleUsers).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pruneStaleUsers, type RabbitmqNodeAddress } from "./rabbitmq.js";

const [stateRoot = "", nodeName = ""] = process.argv.slice(2);
const node = JSON.parse(
  readFileSync(join(stateRoot, "rabbitmq", nodeName, "node.json"), "utf8"),
) as RabbitmqNodeAddress;
let lastError: unknown;
for (let attempt = 0; attempt < 20; attempt++) {
  try {
    const removed = pruneStaleUsers(node);
    console.log(
      removed.length === 0
        ? `${nodeName}: every tenantctl user belongs to a tenant up runs here`
        : `${nodeName}: removed ${removed.join(", ")} (no tenant up runs here uses them; their vhosts and messages are kept)`,
    );
    process.exit(0);
  } catch (error) {
    lastError = error;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
console.error(`${nodeName}: could not list its users: ${(lastError as Error).message}`);
process.exit(1);
