/**
 * The path of one of the runtime's entry scripts (supervisor, provisioning job) as Node can
 * run it: next to this module when tenantctl runs compiled, or in dist/ when this module was
 * loaded from its TypeScript source (tests, benchmarks).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function runtimeScript(name: "supervisor-main" | "provision-main" | "rabbitmq-users-main"): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const compiled = `${here}${name}.js`;
  if (existsSync(compiled)) return compiled;
  const fromSource = compiled.replace(/\/src\/runtime\/local\//, "/dist/runtime/local/");
  if (existsSync(fromSource)) return fromSource;
  throw new Error(`cannot find ${name}.js (looked in ${here}; run npm run build)`);
}
