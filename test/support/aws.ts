import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { synthPlatform, type SynthResult } from "../../src/aws/synth.js";
import type { Model } from "../../src/model/resolve.js";
import { loadAwsLayer, type AwsLayer } from "../../src/verify/aws/templates.js";
import { type PlatformName, platform } from "./platforms.js";

export interface Synthesized {
  readonly model: Model;
  readonly result: SynthResult;
  readonly directory: string;
  /** A stack's template by the part of its name after the cluster ("network", "zone-internal", "tenant-globex"). */
  template(part: string): Template;
  json(part: string): { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  layer(): Promise<AwsLayer>;
  /** Every template's text, by file name. */
  texts(): Map<string, string>;
}

const cache = new Map<string, Promise<Synthesized>>();

/** The reviewed platform synthesized once per test file, through the same function the CLI calls. */
export function synthesized(name: PlatformName): Promise<Synthesized> {
  let found = cache.get(name);
  if (found === undefined) {
    found = synthesize(platform(name).model);
    cache.set(name, found);
  }
  return found;
}

export async function synthesize(model: Model): Promise<Synthesized> {
  const parent = mkdtempSync(join(tmpdir(), "tenantctl-aws-"));
  const directory = join(parent, "aws");
  const result = await synthPlatform(model, directory);
  const fileOf = (part: string) => {
    const name = `${model.platform}-${model.cluster.name}-${part}`;
    const stack = result.stacks.find((s) => s.name === name);
    if (stack === undefined)
      throw new Error(`no stack ${name}: ${result.stacks.map((s) => s.name).join(", ")}`);
    return join(directory, stack.file);
  };
  const json = (part: string) => JSON.parse(readFileSync(fileOf(part), "utf8"));
  return {
    model,
    result,
    directory,
    template: (part) => Template.fromJSON(json(part)),
    json,
    layer: () => loadAwsLayer(directory),
    texts: () => new Map(result.stacks.map((s) => [s.file, readFileSync(join(directory, s.file), "utf8")])),
  };
}

export function removeSynthesized(s: Synthesized): void {
  rmSync(join(s.directory, ".."), { recursive: true, force: true });
}
