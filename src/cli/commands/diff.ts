import { loadForCommand } from "../load.js";
import type { Command } from "commander";
import { describeRef } from "../../manifest/references.js";
import { renderModel } from "../../render/render.js";
import type { Io } from "../io.js";
import { type KubeFlags, withCluster, withKubeOptions } from "../kube-options.js";

const SIGN = { create: "+", update: "~", none: "=", prune: "-", "keep-data": "!", error: "x" } as const;

export function diffCommand(program: Command, io: Io): void {
  withKubeOptions(
    program
      .command("diff")
      .description("Show, object by object, what apply would change on the cluster (server-side dry run).")
      .argument("<spec>", "path of platform.yaml"),
  )
    .option(
      "--with-gitops",
      "also compare Argo CD's objects (projects, application sets, add-on applications)",
    )
    .action(async (file: string, flags: KubeFlags & { withGitops?: boolean }) => {
      const { model } = await loadForCommand(file, io, flags.cluster);
      const objects = renderModel(model);
      const { diffPlatform } = await import("../../deploy/diff.js");
      await withCluster(flags, async (client) => {
        const diffs = await diffPlatform(client, model.platform, objects, {
          withGitOps: flags.withGitops ?? false,
        });
        for (const d of diffs) {
          if (d.change === "none") continue;
          const note = d.change === "keep-data" ? " (no longer rendered; kept: it holds data)" : "";
          io.out(`${SIGN[d.change]} ${describeRef(d.ref)}${note}\n`);
          for (const line of d.lines) io.out(`    ${line}\n`);
        }
        const tally = (c: keyof typeof SIGN) => diffs.filter((d) => d.change === c).length;
        io.out(
          `${tally("create")} to create, ${tally("update")} to change, ${tally("none")} unchanged, ${tally("prune")} to prune, ${tally("keep-data")} kept for data, ${tally("error")} errors\n`,
        );
      });
    });
}
