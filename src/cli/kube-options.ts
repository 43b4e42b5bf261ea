import type { Command } from "commander";
import { KubeClient } from "../deploy/kube-client.js";

export interface KubeFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** --kubeconfig and --context, as kubectl spells them. */
export function withKubeOptions(command: Command): Command {
  return command
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: the current one)");
}

export function clientFrom(flags: KubeFlags): KubeClient {
  return KubeClient.fromKubeconfig({
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
  });
}
