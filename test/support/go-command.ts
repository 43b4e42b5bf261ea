import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Runs a Go command scripts/go-command.sh built (scripts/<name>/build.sh): its path comes from
 * the environment variable scripts/test sets, else the cache; a missing one fails loudly.
 */
export function runGoCommand(name: string, version: string, variable: string, input: string): string {
  const path = process.env[variable] ?? join(homedir(), `.cache/tenantctl/${name}-${version}/bin/${name}`);
  if (!existsSync(path))
    throw new Error(`${name} is not built (${path}); run: bash scripts/${name}/build.sh`);
  return execFileSync(path, { input, encoding: "utf8" });
}
