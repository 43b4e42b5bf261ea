import { rename, writeFile } from "node:fs/promises";

/** Writes a report beside its target and renames it: the file is either the old report or the new one, never half. */
export async function writeReportFile(file: string, text: string): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, text);
  await rename(partial, file);
}
