import { type DeployOutputs, readDeployOutputs, podSecurityGroups } from "../../aws/outputs.js";
import { failure } from "../../diagnostics/diagnostic.js";
import { compareRendered, isSame } from "../../render/check.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import type { Model } from "../../model/resolve.js";
import type { RenderedObject } from "../../manifest/rendered.js";
import type { RenderOptions } from "../../render/render.js";
import { loadForCommand } from "../load.js";
import { runningSpec } from "../running-spec.js";
import type { Command } from "commander";
import { renderModel } from "../../render/render.js";
import { toYamlStream } from "../../manifest/serialize.js";
import { renderedFiles, writeRendered } from "../../render/write.js";
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";

export function renderCommand(program: Command, io: Io): void {
  program
    .command("render")
    .description("Validate a spec and write everything the platform needs into a GitOps directory.")
    .argument("<spec>", "path of platform.yaml")
    .option(
      "-o, --out <dir>",
      'output directory, owned by tenantctl ("-" for one YAML stream on stdout)',
      "rendered",
    )
    .option(
      "--aws-outputs <file>",
      "the outputs of the deployed AWS layer (cdk deploy --all --outputs-file <file>), repeated once per cluster: renders the SecurityGroupPolicy of each rds tenant",
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .option(
      "--check",
      "write nothing; exit 1 when the directory differs from what the spec renders, naming the files (for CI)",
    )
    .action(async (file: string, options: { out: string; awsOutputs?: string[]; check?: boolean }) => {
      const started = performance.now();
      // A release change is judged against what the tree it replaces was rendered from.
      const loaded = await loadForCommand(file, io, undefined, await runningSpec(options.out));
      const outputs = await readOutputs(options.awsOutputs ?? []);
      const perCluster = loaded.models.map((model) => renderModel(model, renderOptions(model, outputs, io)));
      const objects = perCluster.flat();
      if (options.check === true) {
        await checkTree(file, options.out, renderedFiles(objects, loaded.spec), io);
        return;
      }
      if (options.out === "-") {
        io.out(toYamlStream(objects));
        return;
      }
      const written = await writeRendered(options.out, objects, loaded.spec);
      const ms = Math.round(performance.now() - started);
      const tenants = loaded.models.reduce((n, m) => n + m.tenants.length, 0);
      io.out(
        `rendered ${tenants} tenants, ${objects.length} objects into ${written.directory} in ${ms} ms\n`,
      );
      loaded.models.forEach((model, i) => {
        if (loaded.models.length > 1) io.out(`\ncluster ${model.cluster.name} (${model.treeRoot}/)\n`);
        io.out(tenantTable(model, perCluster[i] ?? []));
      });
    });
}

/** The tenants of a cluster, a row each: what they run, how their data is isolated, where. */
function tenantTable(model: Model, objects: readonly RenderedObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) if (o.tenant) counts.set(o.tenant, (counts.get(o.tenant) ?? 0) + 1);
  // The data services a tenant's product does not use show as "-"; RabbitMQ only where some tenant has it.
  const uses = (t: (typeof model.tenants)[number], kind: "database" | "redis" | "rabbitmq") =>
    t.product.dataServices.includes(kind) ? t.settings[kind].isolation : "-";
  const rabbitmq = model.tenants.some((t) => t.product.dataServices.includes("rabbitmq"));
  return `${table(
    [
      "tenant",
      "zone",
      "tier",
      "product",
      "database",
      "redis",
      ...(rabbitmq ? ["rabbitmq"] : []),
      "namespace",
      "hostname",
      "objects",
    ],
    model.tenants.map((t) => [
      t.name,
      t.zone.name + (t.zone.customerData ? " (customer data)" : ""),
      t.settings.tier,
      t.product.name,
      uses(t, "database"),
      uses(t, "redis"),
      ...(rabbitmq ? [uses(t, "rabbitmq")] : []),
      t.namespace,
      t.hostname,
      String(counts.get(t.name) ?? 0),
    ]),
  )}\n`;
}

/** `--check`: exit 1 when the committed tree is not what the spec renders, naming the files. */
async function checkTree(
  spec: string,
  directory: string,
  expected: ReadonlyMap<string, string>,
  io: Io,
): Promise<void> {
  if (directory === "-")
    throw failure("cli/usage", "--check compares a directory, not stdout", "pass --out <dir>");
  const difference = await compareRendered(directory, expected);
  if (isSame(difference)) {
    io.out(`${directory} is what the spec renders (${expected.size} files)\n`);
    return;
  }
  const list = (what: string, files: readonly string[]) =>
    files.length === 0 ? "" : `${what}:\n${files.map((f) => `  ${f}`).join("\n")}\n`;
  io.out(
    `${directory} differs from what the spec renders\n` +
      list("changed", difference.changed) +
      list("not in the directory (render adds them)", difference.missing) +
      list("not rendered (render removes them; Argo CD would apply them)", difference.extra) +
      `run: tenantctl render ${spec} --out ${directory}, and commit the result\n`,
  );
  io.setExitCode(EXIT.invalid);
}

async function readOutputs(files: readonly string[]): Promise<DeployOutputs | undefined> {
  if (files.length === 0) return undefined;
  // Stack names carry the cluster's name: the outputs of several clusters merge without clashes.
  return Object.assign({}, ...(await Promise.all(files.map(readDeployOutputs)))) as DeployOutputs;
}

/** Without outputs, rds tenants get no SecurityGroupPolicy (their pods cannot reach RDS yet): say so. */
function renderOptions(model: Model, outputs: DeployOutputs | undefined, io: Io): RenderOptions {
  const rds = model.tenants.filter((t) => t.settings.database.isolation === "rds");
  if (rds.length === 0) return {};
  if (outputs === undefined) {
    io.err(
      `note: ${rds.map((t) => t.name).join(", ")} ${rds.length === 1 ? "uses" : "use"} RDS: ${rds.length === 1 ? "its SecurityGroupPolicy needs" : "their SecurityGroupPolicies need"} the deployed AWS layer's security groups; render with --aws-outputs <file> after cdk deploy --outputs-file <file>\n`,
    );
    return {};
  }
  const { groups, warnings } = podSecurityGroups(model, outputs);
  if (warnings.length > 0) io.err(`${formatDiagnostics(warnings)}\n`);
  return { podSecurityGroups: groups };
}
