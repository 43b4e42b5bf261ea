import { formatDiagnostics } from "../diagnostics/format.js";
import { type LoadedPlatform, loadPlatform } from "../model/load-platform.js";
import type { Io } from "./io.js";

/** The pipeline as commands run it: its warnings go to stderr, its errors are thrown. */
export async function loadForCommand(file: string, io: Io): Promise<LoadedPlatform> {
  const loaded = await loadPlatform(file);
  if (loaded.warnings.length > 0) io.err(`${formatDiagnostics(loaded.warnings)}\n`);
  return loaded;
}
