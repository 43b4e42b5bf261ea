import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** What Argo CD's git directory generator makes of one directory: selected or not, and the rendered template. */
export type AppSetResult =
  | { readonly matched: boolean; readonly value: string }
  | { readonly matched: boolean; readonly error: string };

/** The binary scripts/appset-template/build.sh made: Argo CD's ApplicationSet templating. */
function binary(): string {
  const path =
    process.env.TENANTCTL_APPSET_TEMPLATE ??
    join(homedir(), ".cache/tenantctl/appset-template-v3.3.0/bin/appset-template");
  if (!existsSync(path)) {
    throw new Error(`appset-template is not built (${path}); run: bash scripts/appset-template/build.sh`);
  }
  return path;
}

/** Renders `template` for each directory as Argo CD would, after matching it against the generator's `pattern`. */
export function renderLikeArgoCd(
  pattern: string,
  template: string,
  paths: readonly string[],
): AppSetResult[] {
  return JSON.parse(
    execFileSync(binary(), { input: JSON.stringify({ pattern, template, paths }), encoding: "utf8" }),
  ) as AppSetResult[];
}
