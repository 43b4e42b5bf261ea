/**
 * `tenantctl aws synth`: the Model as a CDK cloud assembly (CloudFormation templates plus the
 * manifest `cdk deploy --app <dir>` reads). No credentials and no look-ups: everything comes
 * from the spec, so synth works with the network off and gives the same bytes every time.
 * cdk-nag's AwsSolutions pack runs over the app; an unacknowledged finding fails synth and
 * nothing is written.
 */
import { readdir, readFile, rename, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { readAssemblyStacks } from "./assembly.js";
import { type Diagnostic, TenantctlError } from "../diagnostics/diagnostic.js";
import { replaceOwnedDirectory } from "../lib/owned-directory.js";
import type { Model } from "../model/resolve.js";
import { AcknowledgedAwsSolutions } from "./nag.js";
import { PlatformStacks } from "./platform-stacks.js";
import { LONGEST_VPC_PREFIX } from "./stacks/network.js";

/** CloudFormation's limit of resources in one stack. */
export const MAX_STACK_RESOURCES = 500;

export interface SynthesizedStack {
  readonly name: string;
  /** The template's file name inside the assembly directory. */
  readonly file: string;
  readonly resources: number;
  readonly bytes: number;
}

export interface SynthResult {
  readonly directory: string;
  readonly stacks: readonly SynthesizedStack[];
}

export type SynthPhase = "checking" | "building" | "validating" | "writing";

const MARKER_TEXT =
  "This directory is a CDK cloud assembly written by `tenantctl aws synth` and replaced as a whole on every synth.\nDeploy it with `cdk deploy --app <this directory> --all`; change platform.yaml, not these files.\n";

/** Problems synth can name before building anything. */
export function awsLayerProblems(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { cluster } = model;
  if (cluster.adminRoleArns.length === 0) {
    out.push({
      code: "aws/no-admins",
      severity: "error",
      path: ["cluster", "adminRoleArns"],
      message:
        "cluster.adminRoleArns is empty: nobody could reach the cluster (no implicit admin for the deployer)",
      hint: 'add the IAM role of the platform admins, e.g. adminRoleArns: ["arn:aws:iam::111122223333:role/platform-admin"]',
    });
  }
  const prefix = Number(cluster.vpcCidr.split("/")[1]);
  if (cluster.vpcCidr.includes(":") || prefix > LONGEST_VPC_PREFIX) {
    out.push({
      code: "aws/vpc-too-small",
      severity: "error",
      path: ["cluster", "vpcCidr"],
      message: `cluster.vpcCidr "${cluster.vpcCidr}" cannot hold the cluster's subnets (an IPv4 block of /${LONGEST_VPC_PREFIX} or larger is needed; pods take VPC addresses)`,
      hint: 'use an IPv4 block such as "10.0.0.0/16"',
    });
  }
  return out;
}

/** Builds the platform's stacks into an App whose assembly goes to `outdir`. */
export function platformApp(model: Model, outdir: string): { app: App; stacks: PlatformStacks } {
  const app = new App({
    outdir,
    analyticsReporting: false,
    stackTraces: false,
    context: {
      // No absolute paths or versions that differ between machines in the assembly.
      "aws:cdk:enable-path-metadata": false,
      "aws:cdk:disable-version-reporting": true,
    },
  });
  const stacks = new PlatformStacks(app, model.platform, { model });
  Validations.of(app).addPlugins(new AcknowledgedAwsSolutions());
  return { app, stacks };
}

export async function synthPlatform(
  model: Model,
  directory: string,
  progress: (phase: SynthPhase) => void = () => {},
): Promise<SynthResult> {
  progress("checking");
  const problems = awsLayerProblems(model);
  if (problems.length > 0) throw new TenantctlError(problems);
  let stacks: SynthesizedStack[] = [];
  const target = await replaceOwnedDirectory(
    directory,
    { command: "aws", markerText: MARKER_TEXT },
    async (staging) => {
      progress("building");
      const assembly = join(staging, ".assembly");
      const { app } = platformApp(model, assembly);
      progress("validating");
      try {
        app.synth();
      } catch (cause) {
        throw await validationFailure(assembly, cause);
      }
      progress("writing");
      // The assembly's files move up beside the marker: the directory itself is what `cdk deploy --app` reads.
      for (const entry of await readdir(assembly)) await rename(join(assembly, entry), join(staging, entry));
      await rmdir(assembly);
      await dropStackTraces(staging);
      stacks = await stackSummaries(staging);
      const tooBig = stacks.filter((s) => s.resources > MAX_STACK_RESOURCES);
      if (tooBig.length > 0) {
        throw new TenantctlError(
          tooBig.map((s) => ({
            code: "aws/stack-too-large",
            severity: "error" as const,
            path: [],
            message: `stack ${s.name} has ${s.resources} resources; CloudFormation allows ${MAX_STACK_RESOURCES}`,
            hint: "report this: tenantctl splits stacks per tenant and zone so that none comes near the limit",
          })),
        );
      }
    },
  );
  return { directory: target, stacks };
}

/**
 * The CDK records where in tenantctl's code each construct and acknowledgement was made:
 * absolute paths of this machine, which differ between machines and mean nothing to the
 * reader of an assembly. They go; everything else stays byte for byte.
 */
async function dropStackTraces(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter(
    (f) => f.endsWith(".metadata.json") || f === "validation-report.json",
  );
  for (const file of files) {
    const path = join(dir, file);
    const data = JSON.parse(await readFile(path, "utf8")) as unknown;
    await writeFile(path, `${JSON.stringify(withoutTraces(data), null, 2)}\n`);
  }
}

const TRACE_KEYS = new Set(["stackTraces", "acknowledgedStackTrace", "creationStack", "trace"]);

function withoutTraces(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .filter(
        (v) =>
          !(
            typeof v === "object" &&
            v !== null &&
            (v as { type?: unknown }).type === "aws:cdk:creationStack"
          ),
      )
      .map(withoutTraces);
  }
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !TRACE_KEYS.has(key))
      .map(([key, v]) => [key, withoutTraces(v)]),
  );
}

async function stackSummaries(dir: string): Promise<SynthesizedStack[]> {
  return (await readAssemblyStacks(dir)).map((stack) => ({
    name: stack.name,
    file: stack.file,
    resources: Object.keys((JSON.parse(stack.text) as { Resources?: object }).Resources ?? {}).length,
    bytes: Buffer.byteLength(stack.text),
  }));
}

interface ValidationReport {
  pluginReports?: {
    pluginName: string;
    violations: {
      ruleName: string;
      description: string;
      severity?: string;
      violatingConstructs?: { constructPath: string }[];
      violatingResources?: { constructPath?: string }[];
    }[];
  }[];
}

/** cdk-nag's (or CloudFormation validation's) errors as diagnostics: rule, construct, what to do. */
async function validationFailure(assembly: string, cause: unknown): Promise<TenantctlError> {
  let report: ValidationReport;
  try {
    report = JSON.parse(await readFile(join(assembly, "validation-report.json"), "utf8")) as ValidationReport;
  } catch {
    return new TenantctlError(
      [
        {
          code: "aws/synth-failed",
          severity: "error",
          path: [],
          message: `the CDK could not synthesize the platform: ${(cause as Error).message}`,
          hint: "this is a tenantctl defect if `tenantctl validate` accepts the spec: report it with the spec",
        },
      ],
      { cause },
    );
  }
  const diagnostics: Diagnostic[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations) {
      if ((v.severity ?? "error") !== "error") continue;
      const where = [...(v.violatingConstructs ?? []), ...(v.violatingResources ?? [])]
        .map((c) => c.constructPath)
        .filter((p): p is string => p !== undefined);
      diagnostics.push({
        code: "aws/validation",
        severity: "error",
        path: [],
        message: `${plugin.pluginName} ${v.ruleName}: ${v.description} (${[...new Set(where)].join(", ")})`,
        hint: "fix the resource, or, if the finding is accepted, add an acknowledgement with its reason to src/aws/nag.ts (the README lists them)",
      });
    }
  }
  return new TenantctlError(
    diagnostics.length > 0
      ? diagnostics
      : [
          {
            code: "aws/synth-failed",
            severity: "error",
            path: [],
            message: `synth failed validation: ${(cause as Error).message}`,
            hint: "see validation-report.json in the staging directory output above",
          },
        ],
    { cause },
  );
}
