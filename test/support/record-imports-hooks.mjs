// Module hooks (they run on the loader thread): append each resolved URL to the file named by
// TENANTCTL_RECORD_IMPORTS.
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.TENANTCTL_RECORD_IMPORTS) appendFileSync(process.env.TENANTCTL_RECORD_IMPORTS, `${result.url}\n`);
  return result;
}
