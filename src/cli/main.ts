import { Command, CommanderError } from "commander";
import { TenantctlError } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { applyCommand } from "./commands/apply.js";
import { awsCommand } from "./commands/aws.js";
import { clustersCommand } from "./commands/clusters.js";
import { costCommand } from "./commands/cost.js";
import { diffCommand } from "./commands/diff.js";
import { doctorCommand } from "./commands/doctor.js";
import { editCommands } from "./commands/edit.js";
import { downCommand } from "./commands/down.js";
import { logsCommand } from "./commands/logs.js";
import { recoveryCommands } from "./commands/recovery.js";
import { hibernationCommands } from "./commands/hibernation.js";
import { offboardCommand } from "./commands/offboard.js";
import { renderCommand } from "./commands/render.js";
import { schemaCommand } from "./commands/schema.js";
import { statusCommand } from "./commands/status.js";
import { upCommand } from "./commands/up.js";
import { validateCommand } from "./commands/validate.js";
import { verifyCommand } from "./commands/verify.js";
import { EXIT, type Io, nodeIo } from "./io.js";

/**
 * The tenantctl command line. Only this folder touches process, console and exit codes;
 * each command is a thin layer over the library.
 */
export function buildProgram(io: Io): Command {
  const program = new Command("tenantctl")
    .description("One platform.yaml → isolated n8n tenants on one shared EKS cluster, run by GitOps.")
    .version(io.version, "-V, --version")
    .showHelpAfterError("(run tenantctl --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  validateCommand(program, io);
  verifyCommand(program, io);
  renderCommand(program, io);
  applyCommand(program, io);
  diffCommand(program, io);
  awsCommand(program, io);
  costCommand(program, io);
  editCommands(program, io);
  clustersCommand(program, io);
  upCommand(program, io);
  statusCommand(program, io);
  logsCommand(program, io);
  downCommand(program, io);
  recoveryCommands(program, io);
  hibernationCommands(program, io);
  offboardCommand(program, io);
  doctorCommand(program, io);
  schemaCommand(program, io);
  return program;
}

export async function main(argv: readonly string[], io: Io = nodeIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return io.exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof TenantctlError) {
      io.err(`${formatDiagnostics(error.diagnostics)}\n`);
      return error.code.startsWith("usage/") ? EXIT.usage : EXIT.invalid;
    }
    io.err(
      `tenantctl: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    io.err("This is a bug in tenantctl; please report it with the command you ran.\n");
    return EXIT.internal;
  }
}
