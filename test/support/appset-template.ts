import { runGoCommand } from "./go-command.js";

/** What Argo CD's git directory generator makes of one directory: selected or not, and the rendered template. */
export type AppSetResult =
  | { readonly matched: boolean; readonly value: string }
  | { readonly matched: boolean; readonly error: string };

/** Renders `template` for each directory as Argo CD would, after matching it against the generator's `pattern`. */
export function renderLikeArgoCd(
  pattern: string,
  template: string,
  paths: readonly string[],
): AppSetResult[] {
  return JSON.parse(
    runGoCommand(
      "appset-template",
      "v3.3.0",
      "TENANTCTL_APPSET_TEMPLATE",
      JSON.stringify({ pattern, template, paths }),
    ),
  ) as AppSetResult[];
}
