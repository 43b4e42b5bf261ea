import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { RULES, reportOf, type VerifyReport } from "../../verify/engine.js";
import { renderModel } from "../../render/render.js";
import { loadTenancyInput, loadVerifyInput } from "../../verify/load.js";
import { loadAwsLayer } from "../../verify/aws/templates.js";
import { parseTenancy, TENANCY_RULES } from "../../verify/tenancy.js";
import { type Endpoint } from "../../verify/network/endpoints.js";
import { connectivityList } from "../../verify/network/connectivity.js";
import { VerifyContext } from "../../verify/context.js";
import { formatHtml } from "../../verify/report/html.js";
import { formatJson } from "../../verify/report/json.js";
import { formatSarif } from "../../verify/report/sarif.js";
import { formatText } from "../../verify/report/text.js";
import { EXIT, type Io } from "../io.js";
import { CLUSTER_OPTION } from "../load.js";
import { writeReportFile } from "../report-file.js";

const FORMATS = ["text", "json", "sarif", "html"] as const;
type Format = (typeof FORMATS)[number];

export function verifyCommand(program: Command, io: Io): void {
  program
    .command("verify")
    .description(
      "Prove tenant and zone isolation from the manifests alone (no cluster): network reachability, RBAC, secrets, Pod Security, quotas, scheduling, Argo CD projects. Exit 1 when any error-level finding exists.",
    )
    .argument("<input>", "a platform.yaml, or a directory written by `tenantctl render`")
    .option(
      "--spec <file>",
      "the spec a rendered directory was made from (default: the copy render leaves in it)",
    )
    .option(...CLUSTER_OPTION)
    .option("--format <format>", `report format: ${FORMATS.join(", ")}`, "text")
    .option(
      "-o, --out <file>",
      "write the report to a file instead of stdout (a text summary still goes to stderr)",
    )
    .option(
      "--tenancy <mode>",
      "for manifests tenantctl did not render: each namespace a tenant (namespace), or each value of a namespace label (label:<key>); runs the reachability and RBAC rules",
    )
    .option(
      "--pod-cidr <cidr>",
      "with --tenancy: where pods get their addresses, so that ipBlocks of it match pods",
    )
    .option(
      "--aws <dir>",
      "also judge the AWS layer `tenantctl aws synth` wrote there: every referenced role, secret, bucket and queue exists, roles stay in their zone and prefix, no * resources, NetworkPolicies enforced, data retained",
    )
    .option(
      "--connectivity",
      "json only: add every allowed connection (tenant and zone pods, address ranges)",
    )
    .action(async (target: string, options: VerifyFlags) => {
      const started = performance.now();
      const format = checkFlags(options);
      const tenancy = options.tenancy === undefined ? undefined : parseTenancy(options.tenancy);
      const loaded =
        tenancy === undefined
          ? await loadVerifyInput(target, {
              spec: options.spec,
              cluster: options.cluster,
              render: renderModel,
            })
          : await loadTenancyInput(target, tenancy, options.podCidr);
      const input = options.aws === undefined ? loaded : { ...loaded, aws: await loadAwsLayer(options.aws) };
      const context = new VerifyContext(input);
      const report = reportOf(context, tenancy === undefined ? RULES : TENANCY_RULES);
      const elapsed = performance.now() - started;
      const text = formatReport(format, report, context, options, io, elapsed);
      if (options.out === undefined) {
        io.out(text);
      } else {
        await writeReportFile(options.out, text);
        io.err(format === "text" ? text : formatText(report, elapsed));
        io.err(`report written to ${options.out}\n`);
      }
      if (report.stats.errors > 0) io.setExitCode(EXIT.invalid);
    });
}

interface VerifyFlags {
  readonly spec?: string;
  readonly cluster?: string;
  readonly aws?: string;
  readonly format: string;
  readonly out?: string;
  readonly connectivity?: boolean;
  readonly tenancy?: string;
  readonly podCidr?: string;
}

/** Usage mistakes, refused before anything is read. */
function checkFlags(options: VerifyFlags): Format {
  if (!FORMATS.includes(options.format as Format)) {
    throw failure(
      "usage/format",
      `--format ${JSON.stringify(options.format)} is not supported`,
      `use one of ${FORMATS.join(", ")}`,
    );
  }
  if (options.connectivity === true && options.format !== "json") {
    throw failure("usage/connectivity", "--connectivity needs --format json", "add --format json");
  }
  if (options.tenancy !== undefined && options.spec !== undefined) {
    throw failure(
      "usage/tenancy",
      "--tenancy and --spec exclude each other",
      "with a spec, tenants come from it; drop --tenancy",
    );
  }
  return options.format as Format;
}

function formatReport(
  format: Format,
  report: VerifyReport,
  context: VerifyContext,
  options: VerifyFlags,
  io: Io,
  elapsed: number,
): string {
  if (format === "json") {
    const scoped = (e: Endpoint) => e.zone !== undefined;
    return formatJson(
      report,
      options.connectivity === true
        ? connectivityList(context.reachability, { endpoints: scoped })
        : undefined,
    );
  }
  if (format === "sarif") return formatSarif(report, io.version);
  if (format === "html") return formatHtml(report, new Date().toISOString());
  return formatText(report, elapsed);
}
