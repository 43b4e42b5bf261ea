import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";

/** The example spec as text, so tests can derive variants of it. */
export const EXAMPLE_SPEC_FILE = new URL("../../examples/platform.yaml", import.meta.url);
export const exampleSpecText = (): string => readFileSync(EXAMPLE_SPEC_FILE, "utf8");

/** The example with one change applied through the YAML document model (keeps comments). */
export function exampleWith(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(exampleSpecText());
  edit(doc);
  return doc.toString();
}
