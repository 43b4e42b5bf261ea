import { loadForCommand } from "../load.js";
import type { Command } from "commander";
import type { ApplyReport, ObjectResult, ProgressEvent } from "../../deploy/apply.js";
import { describeRef } from "../../manifest/references.js";
import { adoptionMatcher } from "../../deploy/ownership.js";
import { failure } from "../../diagnostics/diagnostic.js";
import { renderModel } from "../../render/render.js";
import { EXIT, type Io } from "../io.js";
import { clientFrom, type KubeFlags, withKubeOptions } from "../kube-options.js";
import { table } from "../table.js";

interface ApplyFlags extends KubeFlags {
  readonly dryRun?: boolean;
  readonly prune: boolean;
  readonly allowDataLoss?: boolean;
  readonly reconcileAll?: boolean;
  readonly withGitops?: boolean;
  readonly adopt?: string[];
  readonly concurrency: string;
}

export function applyCommand(program: Command, io: Io): void {
  withKubeOptions(
    program
      .command("apply")
      .description(
        "Server-side apply everything render produces to a cluster, then prune what is no longer rendered.",
      )
      .argument("<spec>", "path of platform.yaml"),
  )
    .option("--dry-run", "ask the API server what would happen (server-side dry run); change nothing")
    .option("--no-prune", "do not delete objects tenantctl applied before and no longer renders")
    .option(
      "--allow-data-loss",
      "also prune databases, volumes and secrets holding keys or credentials (listed first)",
    )
    .option(
      "--adopt <object...>",
      "take over existing objects this platform did not create, each as Kind/name or Kind/namespace/name (otherwise they are refused and nothing is applied)",
    )
    .option(
      "--concurrency <n>",
      "requests in flight at most (1 to 64); fewer while the API server answers 429",
      "12",
    )
    .action(async (file: string, flags: ApplyFlags) => {
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw failure(
          "usage/concurrency",
          `--concurrency ${JSON.stringify(flags.concurrency)} is not a whole number from 1 to 64`,
          "pass for example --concurrency 16",
        );
      }
      const invalid = adoptionMatcher(flags.adopt ?? []).invalid;
      if (invalid.length > 0) {
        throw failure(
          "usage/adopt",
          `--adopt ${invalid.map((a) => JSON.stringify(a)).join(", ")}: expected Kind/name or Kind/namespace/name`,
          "name each object as it is reported, e.g. --adopt Namespace/tenant-foo ConfigMap/tenant-foo/settings",
        );
      }
      const { model } = await loadForCommand(file, io, flags.cluster);
      const objects = renderModel(model);
      // Argo CD waits for each sync wave to be healthy; apply only orders them.
      for (const t of model.tenants.filter((x) => x.product.upgradingFrom !== undefined))
        io.err(
          `note: ${t.name}'s release change from ${t.product.upgradingFrom} is staged; apply orders the waves but does not wait for the backup to complete as Argo CD does: back it up first (tenantctl backup ${file} ${t.name} --in-cluster --wait), then apply\n`,
        );
      const { applyPlatform } = await import("../../deploy/apply.js");
      const { KubeUnreachableError } = await import("../../deploy/kube-client.js");
      const client = await clientFrom(flags);
      io.err(
        `${flags.dryRun ? "dry run: " : ""}applying ${model.tenants.length} tenants (${objects.length} objects) to ${client.server} (context ${client.context})\n`,
      );
      let report: ApplyReport;
      try {
        report = await applyPlatform(client, model, objects, {
          dryRun: flags.dryRun ?? false,
          prune: flags.prune,
          allowDataLoss: flags.allowDataLoss ?? false,
          reconcileAll: flags.reconcileAll ?? false,
          withGitOps: flags.withGitops ?? false,
          adopt: flags.adopt ?? [],
          concurrency,
          onProgress: progressPrinter(io, model.tenants.length, objects.length),
        });
      } catch (error) {
        if (error instanceof KubeUnreachableError) {
          const partial = (error as Error & { report?: ApplyReport }).report;
          if (partial) io.out(formatReport(partial));
          throw failure(
            "deploy/unreachable",
            error.message,
            "check the kubeconfig, the network and the cluster; running apply again completes what was not applied",
            error,
          );
        }
        throw error;
      } finally {
        client.close();
      }
      io.out(formatReport(report));
      if (report.incomplete) io.setExitCode(EXIT.invalid);
    });
}

/**
 * One line per phase, and one per tenant as it completes: its objects, how many tenants are
 * done, the rate since the first object, and the time left at that rate.
 */
function progressPrinter(io: Io, tenants: number, objects: number): (event: ProgressEvent) => void {
  const perTenant = new Map<string, number>();
  let done = 0;
  let tenantsDone = 0;
  let started: number | undefined;
  return (event) => {
    if (event.type === "phase") {
      io.err(`  ${event.message}\n`);
      return;
    }
    if (event.type === "object") {
      started ??= performance.now();
      done = event.done;
      const key = event.result.tenant ?? "";
      perTenant.set(key, (perTenant.get(key) ?? 0) + 1);
      return;
    }
    tenantsDone += 1;
    const seconds = (performance.now() - (started ?? performance.now())) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.max(0, objects - done) / rate : 0;
    io.err(
      `  ${event.tenant}: ${perTenant.get(event.tenant) ?? 0} objects done (${tenantsDone}/${tenants} tenants, ${Math.round(rate)} objects/s${tenantsDone < tenants ? `, about ${formatDuration(left)} left` : ""})\n`,
    );
  };
}

function formatDuration(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

export function formatReport(report: ApplyReport): string {
  const count = (o: ObjectResult["outcome"]) => report.results.filter((r) => r.outcome === o).length;
  const lines: string[] = [];
  const failed = report.results.filter((r) => r.outcome === "failed");
  const notAttempted = report.results.filter((r) => r.outcome === "not-attempted");
  const refused = report.results.filter((r) => r.outcome === "refused");
  if (refused.length > 0) {
    lines.push("refused (they exist and this platform did not create them; nothing was applied):");
    for (const r of refused) lines.push(`  ${r.error ?? describeRef(r.ref)}`);
  }
  if (failed.length > 0) {
    lines.push("failed:");
    for (const r of failed) lines.push(`  ${describeRef(r.ref)}: ${r.error ?? ""}`);
  }
  if (notAttempted.length > 0) {
    lines.push("not applied (run apply again to complete):");
    for (const r of notAttempted) lines.push(`  ${describeRef(r.ref)}`);
  }
  if (report.pruned.length > 0) {
    lines.push(report.dryRun ? "would prune:" : "pruned:");
    for (const ref of report.pruned) lines.push(`  ${describeRef(ref)}`);
  }
  if (report.keptForData.length > 0) {
    lines.push("kept because they hold data (no longer rendered; pass --allow-data-loss to delete them):");
    for (const ref of report.keptForData) lines.push(`  ${describeRef(ref)}`);
  }
  if (report.keptUntil.length > 0) {
    lines.push(
      "kept through their retention day (an offboarded tenant's data; deleted only after it, with --allow-data-loss):",
    );
    for (const { ref, until } of report.keptUntil) lines.push(`  ${describeRef(ref)} (through ${until})`);
  }
  if (report.keptForContents.length > 0) {
    lines.push("kept because deleting them would delete what tenantctl did not create:");
    for (const { ref, reason } of report.keptForContents) lines.push(`  ${describeRef(ref)}: ${reason}`);
  }
  if (report.pruneSkipped) lines.push("prune skipped: nothing is deleted after a failed apply");
  lines.push(
    table(
      [
        "created",
        "configured",
        "unchanged",
        "pruned",
        "kept (data)",
        "refused",
        "failed",
        "not applied",
        "seconds",
      ],
      [
        [
          String(count("created")),
          String(count("configured")),
          String(count("unchanged")),
          String(report.pruned.length),
          String(report.keptForData.length + report.keptUntil.length),
          String(refused.length),
          String(failed.length),
          String(notAttempted.length),
          report.seconds.toFixed(1),
        ],
      ],
    ),
  );
  if (report.throttled > 0) {
    lines.push(
      `the API server answered "too many requests" ${report.throttled} times: apply retried each and went down to ${report.lowestConcurrency} requests in flight`,
    );
  }
  return `${report.dryRun ? "dry run (nothing was changed)\n" : ""}${lines.join("\n")}\n`;
}
