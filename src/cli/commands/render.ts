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
    .action(async (file: string, options: { out: string }) => {
      const started = performance.now();
      const loaded = await loadForCommand(file, io);
      const { model } = loaded;
      const objects = renderModel(model);
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
      io.out(
        `${table(
          ["tenant", "zone", "tier", "database", "redis", "namespace", "hostname", "objects"],
          model.tenants.map((t) => [
            t.name,
            t.zone.name + (t.zone.customerData ? " (customer data)" : ""),
            t.settings.tier,
            t.settings.database.isolation,
            t.settings.redis.isolation,
            t.namespace,
            t.hostname,
            String(counts.get(t.name) ?? 0),
          ]),
        )}\n`,
      );
    });
}
