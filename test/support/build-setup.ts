import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Once per run of a project: build dist/, since tests run the real `bin/tenantctl.js` and the local runtime's scripts. */
let built = false;

export function setup(): void {
  if (built) return;
  built = true;
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, [`${repo}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"], {
    cwd: repo,
    stdio: "inherit",
  });
}
