/**
 * A synthesized AWS layer as CloudFormation will read it: the stacks of a cloud assembly
 * (`tenantctl aws synth`), their resources, and a resolver for the intrinsic functions the
 * templates use (Ref, Fn::GetAtt, Fn::Join, Fn::ImportValue, pseudo parameters), so that
 * verify compares names and ARNs, not token shapes. What cannot be resolved stays visibly
 * unresolved (`<unresolved ...>`) and never matches a name.
 */
import { readAssemblyStacks } from "../../aws/assembly.js";
import { failure } from "../../diagnostics/diagnostic.js";

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface AwsStack {
  readonly name: string;
  readonly file: string;
  readonly account: string;
  readonly region: string;
  readonly resources: Readonly<Record<string, CfnResource>>;
  readonly outputs: Readonly<Record<string, { Value: unknown; Export?: { Name: unknown } }>>;
}

/** A resource with where it is, for findings. */
export interface LocatedResource {
  readonly stack: AwsStack;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

export class AwsLayer {
  private readonly exports = new Map<string, { stack: AwsStack; value: unknown }>();

  constructor(
    readonly directory: string,
    readonly stacks: readonly AwsStack[],
  ) {
    for (const stack of stacks) {
      for (const output of Object.values(stack.outputs)) {
        const name = output.Export?.Name;
        if (typeof name === "string") this.exports.set(name, { stack, value: output.Value });
      }
    }
  }

  /** Every resource of a CloudFormation type, in stack order. */
  resourcesOf(type: string): LocatedResource[] {
    return this.stacks.flatMap((stack) =>
      Object.entries(stack.resources)
        .filter(([, r]) => r.Type === type)
        .map(([logicalId, resource]) => ({ stack, logicalId, resource })),
    );
  }

  /** A property value with its intrinsic functions evaluated as far as the templates allow. */
  resolve(stack: AwsStack, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (typeof value !== "object" || value === null) return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      if (key === "Ref") return this.ref(stack, String(arg));
      if (key === "Fn::GetAtt") return this.getAtt(stack, arg as [string, string]);
      if (key === "Fn::Join") {
        const [separator, parts] = arg as [string, unknown[]];
        const resolved = this.resolve(stack, parts) as unknown[];
        return resolved.map((p) => (typeof p === "string" ? p : "<unresolved>")).join(separator);
      }
      if (key === "Fn::ImportValue") {
        const name = this.resolve(stack, arg);
        const found = typeof name === "string" ? this.exports.get(name) : undefined;
        return found === undefined
          ? `<unresolved import ${String(name)}>`
          : this.resolve(found.stack, found.value);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  /** A string property, resolved; undefined when it is absent or not a string once resolved. */
  text(stack: AwsStack, value: unknown): string | undefined {
    const resolved = this.resolve(stack, value);
    return typeof resolved === "string" ? resolved : undefined;
  }

  private ref(stack: AwsStack, name: string): string {
    switch (name) {
      case "AWS::Partition":
        return partitionOf(stack.region);
      case "AWS::Region":
        return stack.region;
      case "AWS::AccountId":
        return stack.account;
      case "AWS::URLSuffix":
        return "amazonaws.com";
    }
    const resource = stack.resources[name];
    if (resource === undefined) return `<unresolved ref ${name}>`;
    const props = resource.Properties ?? {};
    const named: Record<string, string> = {
      "AWS::IAM::Role": "RoleName",
      "AWS::S3::Bucket": "BucketName",
      "AWS::EKS::Cluster": "Name",
      "AWS::SecretsManager::Secret": "Name",
      "AWS::SQS::Queue": "QueueName",
    };
    const field = named[resource.Type];
    const physical = field === undefined ? undefined : this.text(stack, props[field]);
    // Secrets Manager's Ref is the ARN (with a random suffix): keep the name, which is what manifests use.
    return physical ?? `<ref ${stack.name}/${name}>`;
  }

  private getAtt(stack: AwsStack, [logicalId, attribute]: [string, string]): string {
    const resource = stack.resources[logicalId];
    if (resource === undefined) return `<unresolved ${logicalId}.${attribute}>`;
    const partition = partitionOf(stack.region);
    const name = this.ref(stack, logicalId);
    if (attribute === "Arn" && resource.Type === "AWS::IAM::Role")
      return `arn:${partition}:iam::${stack.account}:role/${name}`;
    if (attribute === "Arn" && resource.Type === "AWS::S3::Bucket") return `arn:${partition}:s3:::${name}`;
    if (attribute === "Arn" && resource.Type === "AWS::SQS::Queue") {
      return `arn:${partition}:sqs:${stack.region}:${stack.account}:${name}`;
    }
    // Generated identifiers (key ids, group ids): stable symbols, equal only to themselves.
    return `<${stack.name}/${logicalId}.${attribute}>`;
  }
}

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Reads the stacks of a cloud assembly directory (as `cdk deploy --app <dir>` does: manifest.json first). */
export async function loadAwsLayer(directory: string): Promise<AwsLayer> {
  let stacks: Awaited<ReturnType<typeof readAssemblyStacks>>;
  try {
    stacks = await readAssemblyStacks(directory);
  } catch (cause) {
    throw failure(
      "verify/aws-unreadable",
      `${directory} is not a cloud assembly: ${(cause as Error).message}`,
      "pass the directory `tenantctl aws synth --out <dir>` wrote",
      cause,
    );
  }
  return new AwsLayer(
    directory,
    stacks.map(({ text, ...stack }) => {
      const template = JSON.parse(text) as {
        Resources?: Record<string, CfnResource>;
        Outputs?: AwsStack["outputs"];
      };
      return { ...stack, resources: template.Resources ?? {}, outputs: template.Outputs ?? {} };
    }),
  );
}
