import type { Command } from "commander";
import { synthPlatform, type SynthPhase } from "../../aws/synth.js";
import { CLUSTER_OPTION, loadForCommand } from "../load.js";
import type { Io } from "../io.js";
import { table } from "../table.js";

const PHASE_TEXT: Record<SynthPhase, string> = {
  checking: "checking the spec for the AWS layer",
  building: "building the stacks from the model",
  validating: "synthesizing and checking with cdk-nag (AwsSolutions)",
  writing: "writing the cloud assembly",
};

export function awsCommand(program: Command, io: Io): void {
  const aws = program
    .command("aws")
    .description(
      "The AWS layer (VPC, EKS, IAM, secrets, RDS, buckets) as CloudFormation, from the same spec.",
    );
  aws
    .command("synth")
    .description(
      "Write the AWS layer as a CDK cloud assembly (CloudFormation templates): no credentials, no look-ups. Deploy it with `cdk deploy --app <dir> --all`.",
    )
    .argument("<spec>", "path of platform.yaml")
    .option("-o, --out <dir>", "output directory, owned by tenantctl and replaced as a whole", "aws")
    .option(...CLUSTER_OPTION)
    .action(async (file: string, options: { out: string; cluster?: string }) => {
      const started = performance.now();
      const { model } = await loadForCommand(file, io, options.cluster);
      const result = await synthPlatform(model, options.out, (phase) => io.err(`${PHASE_TEXT[phase]} …\n`));
      const ms = Math.round(performance.now() - started);
      const resources = result.stacks.reduce((n, s) => n + s.resources, 0);
      const bytes = result.stacks.reduce((n, s) => n + s.bytes, 0);
      io.out(
        `synthesized ${result.stacks.length} stacks, ${resources} resources (${Math.round(bytes / 1024)} KiB of templates) into ${result.directory} in ${ms} ms\n`,
      );
      const shown =
        result.stacks.length > 40 ? result.stacks.filter((s) => !s.name.includes("-tenant-")) : result.stacks;
      io.out(
        `${table(
          ["stack", "resources", "template"],
          shown.map((s) => [s.name, String(s.resources), s.file]),
        )}\n`,
      );
      if (shown.length < result.stacks.length) {
        io.out(`… and ${result.stacks.length - shown.length} tenant stacks\n`);
      }
      io.out(
        `next: cdk bootstrap aws://${model.cluster.awsAccountId}/${model.cluster.region}, then cdk deploy --app ${options.out} --all\n`,
      );
    });
}
