import type { Command } from "commander";
import { clusterKeys } from "../../model/clusters.js";
import { syncMode } from "../../render/cluster/argocd.js";
import type { Io } from "../io.js";
import { loadForCommand } from "../load.js";
import { table } from "../table.js";

export function clustersCommand(program: Command, io: Io): void {
  program
    .command("clusters")
    .description(
      "List the spec's clusters: key, name, account, whether production, how Argo CD syncs, tenants.",
    )
    .argument("<spec>", "path of platform.yaml")
    .option(
      "--keys",
      "only the keys of clusters:, one per line (for scripts; nothing for a spec with one cluster)",
    )
    .action(async (file: string, flags: { keys?: boolean }) => {
      const loaded = await loadForCommand(file, io);
      const keys = clusterKeys(loaded.spec);
      if (flags.keys === true) {
        io.out(keys.map((k) => `${k}\n`).join(""));
        return;
      }
      io.out(
        `${table(
          ["key", "cluster", "account", "production", "sync", "tree", "tenants"],
          loaded.models.map((m, i) => [
            keys[i] ?? "-",
            m.cluster.name,
            m.cluster.awsAccountId,
            m.cluster.production ? "yes" : "no",
            syncMode(m) + ((m.cluster.syncWindows ?? []).length > 0 ? " (windows)" : ""),
            m.treeRoot === "" ? "." : `${m.treeRoot}/`,
            m.tenants.map((t) => t.name).join(", "),
          ]),
        )}\n`,
      );
    });
}
