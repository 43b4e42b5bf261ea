import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Builds dist/ once, so that tests can run the real `bin/tenantctl.js` executable. */
export function setup(): void {
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"], {
    cwd: repo,
    stdio: "inherit",
  });
}
