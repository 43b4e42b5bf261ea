import { formatDiagnostics } from "../../src/diagnostics/format.js";
import { type Model, resolve } from "../../src/model/resolve.js";
import type { RenderedObject } from "../../src/manifest/rendered.js";
import { render } from "../../src/render/render.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import type { Platform } from "../../src/input/schema.js";
import { exampleSpecText } from "./spec-text.js";

/** A spec from text that must be valid (a test setup step, not a test). */
export function validSpec(text: string = exampleSpecText()): Platform {
  const result = validateSpecText(text, "platform.yaml");
  if (!result.spec) throw new Error(`test spec is invalid:\n${formatDiagnostics(result.diagnostics)}`);
  return result.spec;
}

export function exampleModel(): Model {
  return resolve(validSpec());
}

export function exampleObjects(): RenderedObject[] {
  return render(validSpec());
}
