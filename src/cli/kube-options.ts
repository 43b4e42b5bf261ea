import type { Command } from "commander";
import { failure } from "../diagnostics/diagnostic.js";
import type { KubeClient } from "../deploy/kube-client.js";
import { withClusterOption } from "./load.js";

export interface KubeFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly cluster?: string;
}

/** --kubeconfig and --context, as kubectl spells them, and which of the spec's clusters they reach. */
export function withKubeOptions(command: Command): Command {
  return withClusterOption(command)
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: the current one)");
}

/** The Kubernetes client, loaded only by the commands that talk to a cluster (it costs most of a start). */
export async function clientFrom(flags: KubeFlags): Promise<KubeClient> {
  const { KubeClient } = await import("../deploy/kube-client.js");
  return KubeClient.fromKubeconfig({
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
  });
}

/**
 * Runs `work` with a client of the cluster the flags name: an unreachable cluster becomes a
 * clear error (deploy/unreachable), and the client is closed however `work` ends.
 */
export async function withCluster<T>(flags: KubeFlags, work: (client: KubeClient) => Promise<T>): Promise<T> {
  const { KubeUnreachableError } = await import("../deploy/kube-client.js");
  const client = await clientFrom(flags);
  try {
    return await work(client);
  } catch (error) {
    if (error instanceof KubeUnreachableError)
      throw failure(
        "deploy/unreachable",
        error.message,
        "check the kubeconfig, the network and the cluster",
        error,
      );
    throw error;
  } finally {
    client.close();
  }
}
