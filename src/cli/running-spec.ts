/**
 * What runs now, as far as tenantctl can know without a cluster: the spec copy render left in the
 * rendered tree (what Argo CD applies). Release changes are judged against it.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import type { Platform } from "../input/schema.js";
import { SPEC_COPY } from "../manifest/directory.js";
import { readSpecCopy } from "../verify/load.js";

/** The copy's spec, or undefined when the directory has none (nothing rendered there yet). */
export async function runningSpec(directory: string | undefined): Promise<Platform | undefined> {
  if (directory === undefined || directory === "-") return undefined;
  const present = await access(join(directory, SPEC_COPY)).then(
    () => true,
    () => false,
  );
  return present ? readSpecCopy(directory) : undefined;
}
