/**
 * The stacks of a CDK cloud assembly as `cdk deploy --app <dir>` finds them: manifest.json
 * first, then each stack artifact's template, account and region. `aws synth` summarizes them;
 * `verify --aws` judges them.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface AssemblyStack {
  readonly name: string;
  /** The template's file name inside the assembly directory. */
  readonly file: string;
  readonly account: string;
  readonly region: string;
  /** The template's text, as written. */
  readonly text: string;
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    { type: string; environment?: string; properties?: { templateFile?: string; stackName?: string } }
  >;
}

/** Throws the file system's or JSON's error when the directory is not an assembly: callers say what that means. */
export async function readAssemblyStacks(directory: string): Promise<AssemblyStack[]> {
  const manifest = JSON.parse(await readFile(join(directory, "manifest.json"), "utf8")) as Manifest;
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== "aws:cloudformation:stack") continue;
    const file = artifact.properties?.templateFile ?? `${id}.template.json`;
    const [, account = "", region = ""] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? "") ?? [];
    stacks.push({
      name: artifact.properties?.stackName ?? id,
      file,
      account,
      region,
      text: await readFile(join(directory, file), "utf8"),
    });
  }
  return stacks;
}
