/**
 * Installs an n8n release from npm into the cache, once (it is not a dependency of tenantctl).
 * Two of its dependencies need overrides on Node 20: `xlsx` (its own reference points at a
 * vendor CDN, not the registry) and `isolated-vm` (6.x needs Node 22). The install goes to a
 * staging directory and is renamed into place when it succeeded: never a half-installed n8n.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { n8nBin, n8nDirectory } from "../../products/n8n/release.js";
import { cacheRoot } from "./cache.js";

/**
 * isolated-vm and sqlite3 compile against Node's headers when no prebuilt binary can be fetched
 * (those come from GitHub, unreachable here), and node-gyp downloads the headers from nodejs.org
 * unless told where they are. The running Node's own (`<prefix>/include/node`, Debian's nodejs
 * ships them in /usr) are the right ones: an install on a fresh machine needs no ~/.npmrc.
 */
export function nativeBuildEnv(): Record<string, string> {
  if (process.env.npm_config_nodedir !== undefined) return {};
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include", "node", "node.h")) ? { npm_config_nodedir: prefix } : {};
}

export const N8N_OVERRIDES = { xlsx: "0.18.5", "isolated-vm": "5.0.4" } as const;

export async function ensureN8n(version: string, progress: (line: string) => void): Promise<string> {
  const bin = n8nBin(cacheRoot(), version);
  if (existsSync(bin)) return bin;
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
        overrides: N8N_OVERRIDES,
        // isolated-vm and sqlite3 build or fetch their native parts in install scripts.
        allowScripts: { "isolated-vm": true, sqlite3: true, "@n8n/n8n-nodes-langchain": true },
      },
      null,
      2,
    )}\n`,
  );
  progress(`installing n8n ${version} from npm into ${target} (once; ≈ 4 min, 1.8 GB)`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", "--foreground-scripts=false"],
      {
        cwd: staging,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...nativeBuildEnv() },
      },
    );
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const ticker = setInterval(
      () => progress(`  still installing n8n ${version}… ${Math.round((Date.now() - started) / 1000)} s`),
      30_000,
    );
    child.on("error", (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on("exit", (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`npm install of n8n ${version} failed (exit ${code}):\n${tail}`));
    });
  });
  if (!existsSync(join(staging, "node_modules", "n8n", "bin", "n8n"))) {
    throw new Error(`npm installed no n8n binary for ${version}`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  progress(`installed n8n ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}
