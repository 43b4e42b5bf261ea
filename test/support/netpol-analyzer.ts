import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ConnectivityLine } from "../../src/verify/network/connectivity.js";

const run = promisify(execFile);

/** The netpol-analyzer binary scripts/netpolicy/build.sh made (scripts/test exports its path). */
export function netpolicyBinary(): string {
  const path =
    process.env.TENANTCTL_NETPOLICY ?? join(homedir(), ".cache/tenantctl/netpolicy-v1.4.4/bin/netpolicy");
  if (!existsSync(path)) {
    throw new Error(`netpol-analyzer is not built (${path}); run: bash scripts/netpolicy/build.sh`);
  }
  return path;
}

/**
 * netpol-analyzer's connectivity list for a directory of manifests. Its Ingress-controller
 * lines are left out: they model Ingress objects, which verify does not treat as pods.
 */
export async function netpolicyConnectivity(dir: string): Promise<ConnectivityLine[]> {
  const { stdout } = await run(netpolicyBinary(), ["list", "-q", "-o", "json", "--dirpath", dir], {
    maxBuffer: 512 * 1024 * 1024,
  });
  const lines = JSON.parse(stdout === "" ? "[]" : stdout) as ConnectivityLine[];
  return lines.filter(
    (l) => !l.src.includes("{ingress-controller}") && !l.dst.includes("{ingress-controller}"),
  );
}
