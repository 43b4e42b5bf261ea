import type { Command } from "commander";
import { formatDiagnostics } from "../diagnostics/format.js";
import { type LoadedPlatform, loadPlatform } from "../model/load-platform.js";
import type { Io } from "./io.js";
import type { Running } from "../model/release-changes.js";

/** The pipeline as commands run it: its warnings go to stderr, its errors are thrown. */
export async function loadForCommand(
  file: string,
  io: Io,
  cluster?: string | undefined,
  running?: Running | undefined,
): Promise<LoadedPlatform> {
  const loaded = await loadPlatform(file, { cluster, running });
  if (loaded.warnings.length > 0) io.err(`${formatDiagnostics(loaded.warnings)}\n`);
  return loaded;
}

/** `--cluster`, for a command that acts on one cluster of a spec that declares several. */
export const CLUSTER_OPTION = [
  "--cluster <key>",
  "the cluster to act on, a key of clusters: (needed when the spec declares several)",
] as const;

export function withClusterOption(command: Command): Command {
  return command.option(...CLUSTER_OPTION);
}
