/**
 * What runs now, as far as tenantctl can know without a cluster: the spec copy render left in the
 * rendered tree (what Argo CD applies). Release changes are judged against it.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { type Running, runningFromCopy } from "../model/release-changes.js";
import { SPEC_COPY } from "../manifest/directory.js";
import { readSpecCopy } from "../verify/load.js";

/** The copy's spec, or undefined when the directory has none (nothing rendered there yet). */
export async function runningSpec(directory: string | undefined): Promise<Running | undefined> {
  if (directory === undefined || directory === "-") return undefined;
  const present = await access(join(directory, SPEC_COPY)).then(
    () => true,
    () => false,
  );
  return present ? runningFromCopy(await readSpecCopy(directory)) : undefined;
}

/**
 * What runs, from the cluster when a kubeconfig is given (--kubeconfig or --context), else from
 * the rendered tree's copy when a directory is given, else unknown.
 */
export async function runningFrom(
  file: string,
  flags: {
    readonly rendered?: string;
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly cluster?: string;
  },
): Promise<Running | undefined> {
  if (flags.kubeconfig === undefined && flags.context === undefined) return runningSpec(flags.rendered);
  const { loadPlatform } = await import("../model/load-platform.js");
  const { runningOnCluster } = await import("../deploy/running-releases.js");
  const { withCluster } = await import("./kube-options.js");
  const loaded = await loadPlatform(file, { cluster: flags.cluster });
  return withCluster(flags, (client) => runningOnCluster(client, loaded.model, flags.cluster));
}
