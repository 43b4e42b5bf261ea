/**
 * What render needs back from a deployed AWS layer: the security groups AWS assigned, which
 * no spec can know ahead. `cdk deploy --app <dir> --all --outputs-file aws-outputs.json`
 * writes them; `tenantctl render --aws-outputs aws-outputs.json` reads them and renders each
 * `rds` tenant's SecurityGroupPolicy (the cluster group first, then the tenant's pod group,
 * the only group its RDS instance admits).
 */
import { readFile } from "node:fs/promises";
import { type Diagnostic, failure } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/resolve.js";
import { OUTPUT, STACK_PART, stackName } from "./names.js";

export type DeployOutputs = Readonly<Record<string, Readonly<Record<string, string>>>>;

export async function readDeployOutputs(file: string): Promise<DeployOutputs> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw failure(
      "aws/outputs-unreadable",
      `cannot read ${file}: ${(cause as Error).message}`,
      "pass the file `cdk deploy --all --outputs-file <file>` wrote",
      cause,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw failure(
      "aws/outputs-unreadable",
      `${file} is not JSON: ${(cause as Error).message}`,
      "pass the file `cdk deploy --outputs-file` wrote",
      cause,
    );
  }
  const ok =
    typeof data === "object" &&
    data !== null &&
    Object.values(data).every(
      (stack) =>
        typeof stack === "object" &&
        stack !== null &&
        Object.values(stack).every((v) => typeof v === "string"),
    );
  if (!ok) {
    throw failure(
      "aws/outputs-unreadable",
      `${file} is not a CDK outputs file: expected {"<stack>": {"<output>": "<value>"}}`,
      "pass the file `cdk deploy --outputs-file` wrote",
    );
  }
  return data as DeployOutputs;
}

const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

/**
 * Tenant → the security groups of its pods that may reach its RDS instance. Tenants whose
 * groups are missing or malformed get a warning: render leaves their policy out, so their
 * pods cannot reach the database (the safe side) until the outputs are there.
 */
export function podSecurityGroups(
  model: Model,
  outputs: DeployOutputs,
): { groups: Map<string, readonly string[]>; warnings: Diagnostic[] } {
  const groups = new Map<string, readonly string[]>();
  const warnings: Diagnostic[] = [];
  const stack = (part: string) => outputs[stackName(model.platform, model.cluster.name, part)] ?? {};
  const clusterGroup = stack(STACK_PART.cluster)[OUTPUT.clusterSecurityGroup];
  for (const tenant of model.tenants.filter((t) => t.settings.database.isolation === "rds")) {
    const podGroup = stack(STACK_PART.tenant(tenant.name))[OUTPUT.podSecurityGroup];
    if (
      clusterGroup !== undefined &&
      podGroup !== undefined &&
      SECURITY_GROUP_ID.test(clusterGroup) &&
      SECURITY_GROUP_ID.test(podGroup)
    ) {
      groups.set(tenant.name, [clusterGroup, podGroup]);
      continue;
    }
    warnings.push({
      code: "aws/pod-security-group-missing",
      severity: "warning",
      path: ["tenants", model.tenants.indexOf(tenant)],
      message: `tenant ${tenant.name} (rds): the outputs hold no valid ${podGroup === undefined || clusterGroup === undefined ? "" : "(sg-…) "}cluster and pod security groups for it; its SecurityGroupPolicy is left out and its pods cannot reach its RDS instance`,
      hint: "deploy the AWS layer (cdk deploy --all --outputs-file <file>) and render with --aws-outputs <file>",
    });
  }
  return { groups, warnings };
}
