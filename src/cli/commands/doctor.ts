/** `tenantctl doctor`: the prerequisites of `up`, each found or with the command that installs it. */
import type { Command } from "commander";
import { checkPrerequisites } from "../../runtime/local/prerequisites.js";
import { PINNED } from "../../versions.js";
import { EXIT, type Io } from "../io.js";
import { loadForCommand } from "../load.js";
import { table } from "../table.js";

export function doctorCommand(program: Command, io: Io): void {
  program
    .command("doctor")
    .description("Say which prerequisites of up are missing, and the command that installs each.")
    .argument("[spec]", "path of platform.yaml (to check its n8n versions)")
    .action(async (file: string | undefined) => {
      const versions =
        file === undefined
          ? [PINNED.n8n]
          : (await loadForCommand(file, io)).models.flatMap((m) =>
              m.tenants.map((t) => t.settings.n8n.version),
            );
      const checks = checkPrerequisites(versions);
      io.out(
        `${table(
          ["", "prerequisite", "found", "fix"],
          checks.map((c) => [c.ok ? "ok" : "MISSING", c.name, c.found, c.ok ? "" : c.fix]),
        )}\n`,
      );
      if (checks.some((c) => !c.ok && !c.name.startsWith("n8n "))) io.setExitCode(EXIT.invalid);
    });
}
