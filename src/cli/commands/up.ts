/** `tenantctl up`: the platform's tenants on this machine, each with its own data services. */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { Io } from "../io.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import { DEFAULT_STATE_DIR, localRuntime, nextSteps, tenantTable } from "../local-state.js";

export function upCommand(program: Command, io: Io): void {
  program
    .command("up")
    .description(
      "Run the platform's tenants on this machine: PostgreSQL, Redis, RabbitMQ, n8n in queue mode and products' components, isolated per tenant.",
    )
    .argument("<spec>", "path of platform.yaml")
    .option("--tenants <names>", "only these tenants, comma-separated")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "where data, secrets (0600) and logs live", DEFAULT_STATE_DIR)
    .option("--data-only", "start the data services only (PostgreSQL, Redis, RabbitMQ), not the products")
    .action(
      async (
        file: string,
        flags: { tenants?: string; stateDir: string; dataOnly?: boolean; cluster?: string },
      ) => {
        const { model } = await loadForCommand(file, io, flags.cluster);
        const { up } = await localRuntime();
        const report = await up(model, {
          stateDir: flags.stateDir,
          specDirectory: dirname(resolve(file)),
          ...(flags.tenants === undefined ? {} : { tenants: flags.tenants.split(",").map((t) => t.trim()) }),
          dataOnly: flags.dataOnly ?? false,
          progress: (line) => io.err(`${line}\n`),
        });
        // "already up" is said once, by the progress line; here only what is true of both cases.
        if (!report.alreadyUp) io.out(`up in ${report.seconds.toFixed(1)} s (state: ${flags.stateDir})\n`);
        const tenants = report.tenants.map((t) => ({
          name: t.tenant.name,
          url: t.url,
          ...(t.hint === undefined ? {} : { hint: t.hint }),
        }));
        io.out(`${tenantTable(report.status, tenants)}\n\n${nextSteps(tenants, flags.stateDir)}`);
      },
    );
}
