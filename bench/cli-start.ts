// One measurement: process start to exit of a tenantctl command (median of 10 runs after a
// warm-up), beside `kubectl version --client` on the same machine when kubectl is installed.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/tenantctl.js", import.meta.url));
const example = fileURLToPath(new URL("../examples/platform.yaml", import.meta.url));
const commands: Record<string, string[]> = {
  version: ["--version"],
  validate: ["validate", example],
  verify: ["verify", example],
};
const which = process.argv[2] ?? "version";

function medianMs(command: string, args: readonly string[]): number | undefined {
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t = performance.now();
    const r = spawnSync(command, args, { stdio: "ignore" });
    if (r.error !== undefined) return undefined;
    if (i > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const ours = medianMs(process.execPath, [bin, ...(commands[which] ?? [])]) ?? 0;
const kubectl = medianMs("kubectl", ["version", "--client"]);
console.log(
  JSON.stringify({
    command: `tenantctl ${(commands[which] ?? []).join(" ").replace(example, "examples/platform.yaml")}`,
    "median ms": ours.toFixed(0),
    "kubectl version --client ms": kubectl === undefined ? "not installed" : kubectl.toFixed(0),
    ratio: kubectl === undefined ? "" : (ours / kubectl).toFixed(1),
  }),
);
