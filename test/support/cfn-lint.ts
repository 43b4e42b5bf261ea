/** cfn-lint (AWS's CloudFormation linter, from PyPI, in the cache's virtual environment). */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function cfnLint(): string {
  const path =
    process.env.TENANTCTL_CFN_LINT ?? join(homedir(), ".cache/tenantctl/venv-cfn-lint-1.58.0/bin/cfn-lint");
  if (!existsSync(path))
    throw new Error(
      `cfn-lint is not installed (${path}); run: bash -c 'source scripts/lib.sh; ensure_cfn_lint'`,
    );
  return path;
}

/** cfn-lint's findings, one `file:line:col:...:RULE:message` line each (it exits non-zero when there are any). */
export async function lint(files: string[]): Promise<string[]> {
  try {
    const { stdout } = await run(cfnLint(), ["--format", "parseable", ...files], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.split("\n").filter(Boolean);
  } catch (error) {
    const { stdout, code } = error as { stdout?: string; code?: number };
    if (stdout === undefined || typeof code !== "number") throw error;
    return stdout.split("\n").filter(Boolean);
  }
}
