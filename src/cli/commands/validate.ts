import type { Command } from "commander";
import { failure, isError } from "../../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { readSpecText } from "../../input/load.js";
import { validateSpecText } from "../../model/load-platform.js";
import { EXIT, type Io } from "../io.js";
import { runningFrom } from "../running-spec.js";

export function validateCommand(program: Command, io: Io): void {
  program
    .command("validate")
    .description("Check a platform spec and report every problem at once, with line:column.")
    .argument("<spec>", "path of platform.yaml")
    .option("--format <format>", "text or json", "text")
    .option(
      "--rendered <dir>",
      "the rendered tree of what runs now: a release lower than it runs (spec/n8n-downgrade) or an unstaged change is refused",
    )
    .option(
      "--kubeconfig <file>",
      "judge release changes against what the cluster runs (its n8n main's image)",
    )
    .option("--context <name>", "kubeconfig context (with --kubeconfig, or the default kubeconfig)")
    .option("--cluster <key>", "which of the spec's clusters the kubeconfig reaches")
    .action(
      async (
        file: string,
        options: {
          format: string;
          rendered?: string;
          kubeconfig?: string;
          context?: string;
          cluster?: string;
        },
      ) => {
        if (options.format !== "text" && options.format !== "json") {
          throw failure(
            "usage/format",
            `--format ${JSON.stringify(options.format)} is not supported`,
            'use "text" or "json"',
          );
        }
        const text = await readSpecText(file);
        const result = validateSpecText(text, file, await runningFrom(file, options));
        const errors = result.diagnostics.filter(isError).length;
        if (options.format === "json") {
          io.out(
            `${JSON.stringify({ file, valid: errors === 0, diagnostics: result.diagnostics }, null, 2)}\n`,
          );
        } else if (result.diagnostics.length > 0) {
          io.err(`${formatDiagnostics(result.diagnostics)}\n`);
        }
        if (errors > 0) {
          io.setExitCode(EXIT.invalid);
          return;
        }
        if (options.format === "text" && result.spec) {
          const zones = Object.keys(result.spec.zones).length;
          io.out(`${file}: valid (${result.spec.tenants.length} tenants in ${zones} zones)\n`);
        }
      },
    );
}
