/**
 * Installs an n8n release from npm into the cache, once (it is not a dependency of tenantctl),
 * with the Node.js it runs on: npm, node-gyp and every install script run on that Node.js and
 * build against its headers (n8n 2.x: the Node.js 24 that node-install.ts keeps in the cache).
 *
 * Install scripts are skipped, then only the native modules a tenant needs here are built:
 * most other scripts fetch from GitHub or vendor CDNs, unreachable here (n8n 2.x's Kafka
 * client, `@confluentinc/kafka-javascript`, downloads zlib and OpenSSL sources and fails the
 * whole install), or compile what a tenant on PostgreSQL never loads (`sqlite3`, 3 minutes of
 * the 1.x install on 2 cores). The install goes to a staging directory and is renamed into
 * place when it succeeded: never a half-installed n8n.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { n8nBin, n8nDirectory, nodeFor, nodeRequiredFor } from "../../products/n8n/release.js";
import { compareVersions, PINNED } from "../../versions.js";
import { failure } from "../../diagnostics/diagnostic.js";
import { cacheRoot } from "./cache.js";
import { ensureNode, nodeHeaders } from "./node-install.js";

/**
 * isolated-vm compiles against Node's headers when no prebuilt binary fits (1.x's 5.0.4 has
 * none here), and node-gyp downloads the headers from nodejs.org unless told where they are.
 * The headers next to the Node.js the release runs on are the right ones (Debian's nodejs
 * ships them in /usr; the cached Node.js 24 keeps them): an install needs no ~/.npmrc.
 */
export function nativeBuildEnv(nodeBin: string): Record<string, string> {
  const own = nodeBin === process.execPath;
  if (own && process.env.npm_config_nodedir !== undefined) return {};
  return existsSync(nodeHeaders(nodeBin)) ? { npm_config_nodedir: dirname(dirname(nodeBin)) } : {};
}

/**
 * What the registry here cannot serve as n8n pins it: `xlsx` (its own reference points at a
 * vendor CDN), and on Node 20 `isolated-vm` (6.x and later need Node 22).
 */
export function n8nOverrides(version: string): Record<string, string> {
  return compareVersions(nodeRequiredFor(version), "22.0.0") < 0
    ? { xlsx: "0.18.5", "isolated-vm": "5.0.4" }
    : { xlsx: "0.18.5" };
}

/** The native modules a local tenant loads: the expression engine's isolates (isolated-vm). */
export const N8N_NATIVE_MODULES = ["isolated-vm"] as const;

export async function ensureN8n(version: string, progress: (line: string) => void): Promise<string> {
  const bin = n8nBin(cacheRoot(), version);
  if (existsSync(bin)) return bin;
  const node = nodeFor(
    cacheRoot(),
    version,
    { version: process.versions.node, path: process.execPath },
    PINNED.nodeForN8n2,
  );
  if (node !== process.execPath) await ensureNode(PINNED.nodeForN8n2, progress);
  const target = n8nDirectory(cacheRoot(), version);
  const staging = `${target}.installing-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(
    join(staging, "package.json"),
    `${JSON.stringify(
      {
        name: `tenantctl-n8n-${version}`,
        private: true,
        description: "n8n for tenantctl up (a cache, not a project)",
        dependencies: { n8n: version },
        overrides: n8nOverrides(version),
      },
      null,
      2,
    )}\n`,
  );
  progress(`installing n8n ${version} from npm into ${target} (once; ≈ 3 min, 2 GB)`);
  const started = Date.now();
  // npm and the scripts it runs find the release's Node.js first on the PATH.
  const env = {
    ...process.env,
    PATH: `${dirname(node)}:${process.env.PATH ?? ""}`,
    ...nativeBuildEnv(node),
  };
  const npm = (args: string[], what: string) =>
    runWithHeartbeat("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: staging,
      env,
      heartbeat: () => progress(`  still ${what}… ${Math.round((Date.now() - started) / 1000)} s`),
    });
  try {
    await npm(["install", "--ignore-scripts"], `installing n8n ${version}`);
    await npm(["rebuild", ...N8N_NATIVE_MODULES], `building n8n ${version}'s native modules`);
    if (!existsSync(join(staging, "node_modules", "n8n", "bin", "n8n"))) {
      throw new Error(`npm installed no n8n binary for ${version}`);
    }
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    throw failure(
      "up/n8n-install-failed",
      `cannot install n8n ${version} from npm: ${(cause as Error).message}`,
      "check that the npm registry is reachable and has this release (npm view n8n@<version> version), then run tenantctl up again",
      cause,
    );
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  progress(`installed n8n ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

/** Runs a command to its end, keeping the tail of its output for the error, with a heartbeat every 30 s. */
function runWithHeartbeat(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; heartbeat: () => void },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const ticker = setInterval(options.heartbeat, 30_000);
    child.on("error", (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on("exit", (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0] ?? ""} failed (exit ${code}):\n${tail}`));
    });
  });
}
