import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import type { Sharing } from "../../cost/estimate.js";
import { formatCostCsv } from "../../cost/format/csv.js";
import { formatCostHtml } from "../../cost/format/html.js";
import { formatCostJson } from "../../cost/format/json.js";
import { formatCostText } from "../../cost/format/text.js";
import { withOverrides } from "../../cost/price-lookup.js";
import { PRICED_REGIONS, type PriceTable, priceTable } from "../../cost/prices.js";
import { usd } from "../../cost/money.js";
import type { Model } from "../../model/resolve.js";
import { type CostReport, costReport } from "../../cost/report.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import type { Io } from "../io.js";
import { writeReportFile } from "../report-file.js";

const FORMATS = ["text", "json", "csv", "html"] as const;
const SHARING: readonly Sharing[] = ["proportional", "even"];

interface CostFlags {
  readonly cluster?: string;
  readonly region?: string;
  readonly prices?: string;
  readonly format: string;
  readonly out?: string;
  readonly share: string;
  readonly chargeback: string;
}

export function costCommand(program: Command, io: Io): void {
  program
    .command("cost")
    .description(
      "What the shared platform costs per tenant and month, from the spec alone (no cluster, no AWS call), against one ECS/Fargate stack per account.",
    )
    .argument("<spec>", "path of platform.yaml")
    .option(
      "--region <region>",
      `price table to use (default: cluster.region; tables: ${PRICED_REGIONS.join(", ")})`,
    )
    .option(
      "--prices <file>",
      "JSON or YAML map of price keys to USD that override the table (negotiated rates, savings plans)",
    )
    .option("--format <format>", `report format: ${FORMATS.join(", ")}`, "text")
    .option(...CLUSTER_OPTION)
    .option(
      "-o, --out <file>",
      "write the report to a file instead of stdout (a text summary still goes to stderr)",
    )
    .option("--share <how>", `how shared costs are spread: ${SHARING.join(", ")}`, "proportional")
    .option("--chargeback <label>", "tenant label to total costs by", "cost-center")
    .action(async (file: string, options: CostFlags) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        throw failure(
          "cli/usage",
          `--format ${options.format} is not one of ${FORMATS.join(", ")}`,
          `use --format ${FORMATS.join("|")}`,
        );
      }
      if (!(SHARING as readonly string[]).includes(options.share)) {
        throw failure(
          "cli/usage",
          `--share ${options.share} is not one of ${SHARING.join(", ")}`,
          `use --share ${SHARING.join("|")}`,
        );
      }
      const loaded = await loadForCommand(file, io, options.cluster);
      if (options.cluster === undefined && loaded.models.length > 1) {
        await costOfEveryCluster(loaded.models, options, io);
        return;
      }
      const report = await reportOf(loaded.model, options);
      const text =
        options.format === "json"
          ? formatCostJson(report)
          : options.format === "csv"
            ? formatCostCsv(report)
            : options.format === "html"
              ? formatCostHtml(report, new Date().toISOString())
              : formatCostText(report);
      if (options.out === undefined) {
        io.out(text);
        return;
      }
      await writeReportFile(options.out, text);
      io.err(formatCostText(report));
      io.err(`report written to ${options.out}\n`);
    });
}

/**
 * A spec with several clusters, without --cluster: each cluster priced in its own region, one
 * text report after the other, and the sum. Machine formats stay one cluster at a time.
 */
async function costOfEveryCluster(models: readonly Model[], options: CostFlags, io: Io): Promise<void> {
  if (options.format !== "text" || options.out !== undefined)
    throw failure(
      "cli/cluster-required",
      `--format ${options.format}${options.out === undefined ? "" : " with --out"} reports one cluster; this spec declares ${models.length}`,
      "add --cluster <key> (tenantctl clusters <spec> lists them), or use the text format for all",
    );
  let total = 0;
  let baseline = 0;
  for (const model of models) {
    const report = await reportOf(model, options);
    total += report.total;
    baseline += report.baselineTotal;
    io.out(`== cluster ${model.cluster.name}\n${formatCostText(report)}\n`);
  }
  io.out(
    `all ${models.length} clusters: platform ${usd(total)} per month vs baseline ${usd(baseline)} (one ECS stack per tenant per account, for each cluster's tenants)\n`,
  );
}

/** A cluster's report, priced in its region (or --region) with the user's overrides. */
async function reportOf(model: Model, options: CostFlags): Promise<CostReport> {
  const region = options.region ?? model.cluster.region;
  return costReport(model, await pricesFor(region, options.prices), {
    region,
    sharing: options.share as Sharing,
    chargebackLabel: options.chargeback,
  });
}

/** The price table of a region, with the user's overrides. */
async function pricesFor(region: string, overrides: string | undefined): Promise<PriceTable> {
  const table = priceTable(region);
  if (table === undefined) {
    throw failure(
      "cost/region-not-priced",
      `there is no price table for ${region} (tables: ${PRICED_REGIONS.join(", ")})`,
      `pass --region ${PRICED_REGIONS[0]} for an estimate with another region's prices, or add the region to src/cost/prices.ts`,
    );
  }
  return overrides === undefined ? table : await withOverrides(table, overrides);
}
