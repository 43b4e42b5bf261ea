import { readDeployOutputs, podSecurityGroups } from "../../aws/outputs.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import type { Model } from "../../model/resolve.js";
import type { RenderOptions } from "../../render/render.js";
import { loadForCommand } from "../load.js";
import type { Command } from "commander";
import { renderModel } from "../../render/render.js";
import { toYamlStream } from "../../manifest/serialize.js";
import { writeRendered } from "../../render/write.js";
import type { Io } from "../io.js";
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
      "the outputs of the deployed AWS layer (cdk deploy --all --outputs-file <file>): renders the SecurityGroupPolicy of each rds tenant",
    )
    .action(async (file: string, options: { out: string; awsOutputs?: string }) => {
      const started = performance.now();
      const loaded = await loadForCommand(file, io);
      const { model } = loaded;
      const objects = renderModel(model, await renderOptions(model, options.awsOutputs, io));
      if (options.out === "-") {
        io.out(toYamlStream(objects));
        return;
      }
      const written = await writeRendered(options.out, objects, loaded.spec);
      const ms = Math.round(performance.now() - started);
      const counts = new Map<string, number>();
      for (const o of objects) if (o.tenant) counts.set(o.tenant, (counts.get(o.tenant) ?? 0) + 1);
      io.out(
        `rendered ${model.tenants.length} tenants, ${objects.length} objects into ${written.directory} in ${ms} ms\n`,
      );
      // The data services a tenant's product does not use show as "-"; RabbitMQ only where some tenant has it.
      const uses = (t: (typeof model.tenants)[number], kind: "database" | "redis" | "rabbitmq") =>
        t.product.dataServices.includes(kind) ? t.settings[kind].isolation : "-";
      const rabbitmq = model.tenants.some((t) => t.product.dataServices.includes("rabbitmq"));
      io.out(
        `${table(
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
        )}\n`,
      );
    });
}

/** Without outputs, rds tenants get no SecurityGroupPolicy (their pods cannot reach RDS yet): say so. */
async function renderOptions(model: Model, outputsFile: string | undefined, io: Io): Promise<RenderOptions> {
  const rds = model.tenants.filter((t) => t.settings.database.isolation === "rds");
  if (rds.length === 0) return {};
  if (outputsFile === undefined) {
    io.err(
      `note: ${rds.map((t) => t.name).join(", ")} ${rds.length === 1 ? "uses" : "use"} RDS: ${rds.length === 1 ? "its SecurityGroupPolicy needs" : "their SecurityGroupPolicies need"} the deployed AWS layer's security groups; render with --aws-outputs <file> after cdk deploy --outputs-file <file>\n`,
    );
    return {};
  }
  const { groups, warnings } = podSecurityGroups(model, await readDeployOutputs(outputsFile));
  if (warnings.length > 0) io.err(`${formatDiagnostics(warnings)}\n`);
  return { podSecurityGroups: groups };
}
