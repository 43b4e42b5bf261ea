import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { addTenant, promote, type Promotion, removeTenant, setImage } from "../../edit/operations.js";
import { type EditResult, editSpecFile } from "../../edit/spec-file.js";
import type { Io } from "../io.js";
import { table } from "../table.js";
import { type UpgradeResult, upgradeWave } from "../../edit/upgrade.js";
import { runningFrom } from "../running-spec.js";

const DRY_RUN = ["--dry-run", "show the change, write nothing"] as const;
const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

/** The change as a diff, and what happened to the file. */
function report(io: Io, file: string, result: EditResult, dryRun: boolean | undefined): void {
  if (!result.changed) {
    io.out(`${file}: nothing to change\n`);
    return;
  }
  io.out(`--- ${file}\n+++ ${file}\n${result.diff.join("\n")}\n`);
  io.out(dryRun === true ? "dry run: nothing written\n" : `${file} written (valid)\n`);
}

export function editCommands(program: Command, io: Io): void {
  const tenant = program
    .command("tenant")
    .description("Add or remove a tenant in platform.yaml, keeping the rest of the file.");
  tenant
    .command("add")
    .description("Append a tenant to tenants:, in the style of the entries already there.")
    .argument("<spec>", "path of platform.yaml")
    .argument("<name>", "the tenant's name")
    .requiredOption("--zone <zone>", "its zone")
    .option("--product <product>", "what it runs (default: n8n)")
    .option("--admins <groups>", "its admin groups, comma-separated")
    .option("--clusters <keys>", "the clusters it runs on, comma-separated (default: every cluster)")
    .option(...DRY_RUN)
    .action(
      async (
        file: string,
        name: string,
        flags: { zone: string; product?: string; admins?: string; clusters?: string; dryRun?: boolean },
      ) => {
        const result = await editSpecFile(
          file,
          (text, spec) =>
            addTenant(text, spec, {
              name,
              zone: flags.zone,
              product: flags.product,
              admins: list(flags.admins),
              clusters: list(flags.clusters),
            }),
          flags,
        );
        report(io, file, result, flags.dryRun);
      },
    );
  tenant
    .command("remove")
    .description(
      "Remove a tenant from tenants:. Its data stays in the cluster: apply keeps databases, volumes and keys unless --allow-data-loss.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<name>", "the tenant's name")
    .option(...DRY_RUN)
    .action(async (file: string, name: string, flags: { dryRun?: boolean }) => {
      const result = await editSpecFile(file, (text, spec) => removeTenant(text, spec, name), flags);
      report(io, file, result, flags.dryRun);
      if (result.changed)
        io.err(
          `note: apply prunes ${name}'s objects but keeps its databases, volumes and keys (apply --allow-data-loss deletes them)\n`,
        );
    });
  program
    .command("set-image")
    .description(
      "Set a component's image for a tenant in platform.yaml (what an application's CI runs after pushing the image).",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<target>", "<tenant>/<component>")
    .argument("<image>", "the image, with a tag or digest")
    .option("--cluster <key>", "only on this cluster (clusters.<key>.images of the tenant)")
    .option(...DRY_RUN)
    .action(
      async (file: string, target: string, image: string, flags: { cluster?: string; dryRun?: boolean }) => {
        const [tenantName, component, ...rest] = target.split("/");
        if (
          tenantName === undefined ||
          component === undefined ||
          rest.length > 0 ||
          tenantName === "" ||
          component === ""
        )
          throw failure(
            "cli/usage",
            `${target}: expected <tenant>/<component>`,
            "for example portal-globex/api",
          );
        const result = await editSpecFile(
          file,
          (text, spec) =>
            setImage(text, spec, { tenant: tenantName, component, image, cluster: flags.cluster }),
          flags,
        );
        report(io, file, result, flags.dryRun);
      },
    );
  program
    .command("promote")
    .description(
      "Carry the n8n versions and component images tenants run on one cluster to another (sizes stay each cluster's own).",
    )
    .argument("<spec>", "path of platform.yaml")
    .requiredOption("--from <key>", "the cluster whose versions and images go forward, e.g. staging")
    .requiredOption("--to <key>", "the cluster that gets them, e.g. prod")
    .option("--tenants <names>", "only these tenants, comma-separated")
    .option(...DRY_RUN)
    .action(async (file: string, flags: { from: string; to: string; tenants?: string; dryRun?: boolean }) => {
      let promotions: Promotion[] = [];
      const result = await editSpecFile(
        file,
        (text, spec) => {
          const promoted = promote(text, spec, {
            from: flags.from,
            to: flags.to,
            tenants: list(flags.tenants),
          });
          promotions = promoted.promotions;
          return promoted.text;
        },
        flags,
      );
      if (promotions.length > 0)
        io.out(
          `${table(
            ["tenant", "what", flags.to, `from ${flags.from}`],
            promotions.map((p) => [
              p.tenant,
              p.what,
              p.from,
              `${p.to}${p.staged === true ? " (staged)" : ""}`,
            ]),
          )}\n`,
        );
      for (const p of promotions.filter((x) => x.staged === true))
        io.err(
          `note: ${p.tenant}'s ${p.what} moves to ${p.to} on ${flags.to} staged (upgradeFrom ${p.from}): its database is backed up and main runs ${p.to} alone; once main is ready, finish: tenantctl upgrade ${file} --wave <its wave> --cluster ${flags.to} --finish\n`,
        );
      report(io, file, result, flags.dryRun);
    });
  program
    .command("upgrade")
    .description(
      "Move one upgrade wave to an n8n version in platform.yaml, staged: render then backs up each database, stops workers and webhook processors, and runs main alone on the new version; --finish brings the rest back.",
    )
    .argument("<spec>", "path of platform.yaml")
    .requiredOption("--wave <name>", "the wave (upgrades.waves; rest: the tenants no wave selects)")
    .option("--to <version>", "the version to move to")
    .option("--finish", "end the wave's staged move once main is ready (drops upgradeFrom)")
    .option(
      "--cluster <key>",
      "the cluster, for a spec that declares several (writes clusters.<key> of each tenant)",
    )
    .option(
      "--rendered <dir>",
      "the rendered tree of what runs now: earlier waves must run the version there too",
    )
    .option(
      "--kubeconfig <file>",
      "judge by what the cluster runs instead (its n8n main's image; main ready before --finish)",
    )
    .option("--context <name>", "kubeconfig context")
    .option(...DRY_RUN)
    .action(
      async (
        file: string,
        flags: {
          wave: string;
          to?: string;
          finish?: boolean;
          cluster?: string;
          rendered?: string;
          dryRun?: boolean;
        },
      ) => {
        if ((flags.to === undefined) === (flags.finish !== true))
          throw failure("usage/upgrade", "pass either --to <version> or --finish", "for example --to 2.41.1");
        if (flags.to !== undefined && !/^\d+\.\d+\.\d+$/.test(flags.to))
          throw failure(
            "usage/upgrade",
            `--to ${flags.to}: not a release version`,
            'a version such as "2.41.1"',
          );
        const running = await runningFrom(file, flags);
        let outcome: UpgradeResult | undefined;
        const result = await editSpecFile(
          file,
          (text, spec) => {
            outcome = upgradeWave(text, spec, {
              wave: flags.wave,
              to: flags.to,
              finish: flags.finish === true,
              cluster: flags.cluster,
              running,
            });
            return outcome.text;
          },
          flags,
        );
        const steps = outcome?.steps ?? [];
        if (steps.length > 0)
          io.out(
            `${table(
              ["tenant", "from", "to", "what happens"],
              steps.map((p) => [p.tenant, p.from, p.to, p.action]),
            )}\n`,
          );
        for (const u of outcome?.unchanged ?? []) io.out(`  ${u.tenant}: unchanged (${u.reason})\n`);
        report(io, file, result, flags.dryRun);
        if (result.changed && flags.dryRun !== true && steps.length > 0)
          io.out(
            flags.finish === true
              ? "next: render, commit; Argo CD starts the other workloads on the new version\n"
              : `next: render, commit and let Argo CD sync (backup, then main alone); once main is ready (kubectl -n <namespace> rollout status deployment/n8n-main), run: tenantctl upgrade ${file} --wave ${flags.wave} --finish${flags.cluster === undefined ? "" : ` --cluster ${flags.cluster}`}\n`,
          );
        if (running === undefined && flags.finish !== true)
          io.err(
            "note: without --rendered or --kubeconfig, earlier waves are judged by the spec alone, not by what runs\n",
          );
      },
    );
}
