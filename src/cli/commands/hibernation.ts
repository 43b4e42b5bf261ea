/**
 * `tenantctl hibernate` and `wake`: a tenant asleep and awake, in platform.yaml (the cluster,
 * through Argo CD) and on this machine (the running supervisor, at once). Before a tenant sleeps
 * its product is asked what needs it awake (n8n: schedules main runs), on this machine or in
 * the database --database-url names; the refusal names them, --force overrides it.
 */
import type { Command } from "commander";
import { failure } from "../../diagnostics/diagnostic.js";
import { hibernateEdit, wakeEdit } from "../../edit/hibernation.js";
import { editSpecFile } from "../../edit/spec-file.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import type { Io } from "../io.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import { DEFAULT_STATE_DIR } from "../local-state.js";

const hibernation = () => import("../../runtime/local/hibernation.js");

interface Flags {
  readonly stateDir: string;
  readonly cluster?: string;
  readonly dryRun?: boolean;
}

/** The tenant by name (an unknown name: the list of tenants and a suggestion, as backup and restore say it). */
async function tenantOf(model: Model, name: string): Promise<TenantModel> {
  const { selectTenant } = await import("../../runtime/local/up.js");
  return selectTenant(model, name);
}

type Reasons = readonly { name: string; why: string }[];

function refuse(tenant: string, reasons: Reasons): never {
  throw failure(
    "hibernate/stays-awake",
    `${tenant} must stay awake:\n${reasons.map((r) => `  ${r.name}: ${r.why}`).join("\n")}`,
    "deactivate these workflows (or let the executions finish) and hibernate again, or add --force: asleep, none of them runs until a request or tenantctl wake wakes the tenant",
  );
}

/** What needs the tenant awake, from the database --database-url names (a port-forward to the cluster's). */
async function reasonsAt(url: string, tenant: TenantModel): Promise<Reasons> {
  const { productLocal } = await import("../../products/local.js");
  const query = productLocal(tenant.product.kind).staysAwakeQuery?.(tenant);
  if (query === undefined) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw failure(
      "usage/database-url",
      `--database-url ${url}: not a URL`,
      "postgres://user:password@127.0.0.1:5432/database",
    );
  }
  const { awakeReasons } = await hibernation();
  try {
    return await awakeReasons(query, {
      host: parsed.hostname,
      port: Number(parsed.port || 5432),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: parsed.pathname.replace(/^\//, ""),
    });
  } catch (error) {
    throw failure(
      "hibernate/database-unreachable",
      `cannot ask ${tenant.name}'s database at ${parsed.host}: ${(error as Error).message}`,
      `kubectl port-forward -n tenant-${tenant.name} svc/<its database>-rw 5432, then --database-url postgres://<user>:<password>@127.0.0.1:5432/<database>; or --force`,
    );
  }
}

export function hibernationCommands(program: Command, io: Io): void {
  program
    .command("hibernate")
    .description(
      "Put a tenant to sleep: hibernation.asleep in platform.yaml (in the cluster: its workloads at zero, its own database hibernated) and, when up runs it, at once on this machine (its processes stopped; its front door wakes it on the next request). Refused, naming them, when workflows need it awake (schedules, polling, executions under way), unless --force.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant")
    .option("--force", "sleep even though something needs the tenant awake (it will not run while asleep)")
    .option(
      "--database-url <url>",
      "ask this database what needs the tenant awake (the cluster's, through kubectl port-forward) when up does not run it here",
    )
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--dry-run", "show the change to platform.yaml, write nothing, stop nothing")
    .action(async (file: string, name: string, flags: Flags & { force?: boolean; databaseUrl?: string }) => {
      const { model } = await loadForCommand(file, io, flags.cluster);
      const tenant = await tenantOf(model, name);
      const force = flags.force === true;
      const { control } = await hibernation();
      const { StateDir } = await import("../../runtime/local/state.js");
      const state = new StateDir(flags.stateDir);
      let checked = false;
      if (flags.databaseUrl !== undefined) {
        const reasons = await reasonsAt(flags.databaseUrl, tenant);
        if (reasons.length > 0 && !force) refuse(name, reasons);
        checked = true;
      }
      if (flags.dryRun !== true) {
        const answer = await control(state, "hibernate", name, force);
        if (answer !== undefined) {
          if (!answer.slept) refuse(name, answer.reasons);
          io.out(
            `${name}: asleep on this machine (${answer.ms} ms); its front door wakes it on the next request\n`,
          );
          checked = true;
        }
      }
      if (!checked && !force)
        throw failure(
          "hibernate/cannot-check",
          `nothing here can tell whether ${name}'s workflows need it awake: up does not run it in ${flags.stateDir}, and no --database-url was given`,
          `give --database-url (kubectl port-forward -n tenant-${name} to its database), or --force`,
        );
      const result = await editSpecFile(file, (text, spec) => hibernateEdit(text, spec, name), flags);
      io.out(
        result.changed
          ? `${file}: tenants.${name}.hibernation.asleep: true${flags.dryRun === true ? " (dry run: nothing written)" : " written"}; once applied, the cluster holds its workloads at zero and hibernates its own database (tenantctl wake undoes it)\n`
          : `${file}: ${name} is already asleep in the spec\n`,
      );
    });

  program
    .command("wake")
    .description(
      "Wake a tenant: hibernation.asleep removed from platform.yaml (the cluster wakes it once applied) and, when up runs it asleep, its processes started here at once.",
    )
    .argument("<spec>", "path of platform.yaml")
    .argument("<tenant>", "the tenant")
    .option(...CLUSTER_OPTION)
    .option("--state-dir <dir>", "state directory of up", DEFAULT_STATE_DIR)
    .option("--dry-run", "show the change to platform.yaml, write nothing, start nothing")
    .action(async (file: string, name: string, flags: Flags) => {
      const { model } = await loadForCommand(file, io, flags.cluster);
      await tenantOf(model, name);
      if (flags.dryRun !== true) {
        const { control } = await hibernation();
        const { StateDir } = await import("../../runtime/local/state.js");
        io.err(`waking ${name} on this machine when up runs it…\n`);
        const answer = await control(new StateDir(flags.stateDir), "wake", name);
        if (answer !== undefined)
          io.out(`${name}: awake on this machine in ${(answer.ms / 1000).toFixed(1)} s\n`);
      }
      const result = await editSpecFile(file, (text, spec) => wakeEdit(text, spec, name), flags);
      io.out(
        result.changed
          ? `${file}: ${name} no longer asleep${flags.dryRun === true ? " (dry run: nothing written)" : " (written)"}; once applied, the cluster starts it again\n`
          : `${file}: ${name} is not asleep in the spec\n`,
      );
    });
}
