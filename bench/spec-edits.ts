// One measurement: the edit commands and render --check on a two-cluster spec of N product
// tenants written as people write them (comments, flow maps, per-cluster images), each as a
// whole CLI process (median of 3), side by side with the peer tools a pipeline would use
// otherwise: yq -i for the image bump (mikefarah/yq, built from the module proxy by
// scripts/yq/build.sh), and render into a scratch directory + diff -r for the check. Also
// counts the lines each edit changed beyond the one it had to (what a reviewer must read).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const tenants = Number.parseInt(process.argv[2] ?? "100", 10);
const example = readFileSync(join(repo, "examples", "clusters.yaml"), "utf8");
const ECR = "111122223333.dkr.ecr.eu-central-1.amazonaws.com/portal";
const lines = [example.slice(0, example.indexOf("tenants:\n") + "tenants:\n".length)];
for (let i = 0; i < tenants; i++) {
  const name = `portal-${String(i).padStart(5, "0")}`;
  lines.push(
    `  # customer ${i}: staging runs the release candidate`,
    `  - name: ${name}`,
    `    zone: ${i % 5 === 0 ? "internal" : "external"}`,
    "    product: portal",
    `    admins: [${name}-admins]`,
    "    clusters:",
    "      staging:",
    '        quota: { cpu: "2", memory: 4Gi }',
    `        images: { api: "${ECR}/api:3.2.0-rc.1" }`,
    "      prod: {}",
  );
}
const spec = `${lines.join("\n")}\n`;
const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-edits-"));
const file = join(dir, "platform.yaml");
const cli = join(repo, "bin", "tenantctl.js");
const yq = execFileSync("bash", [join(repo, "scripts/yq/build.sh")], { encoding: "utf8" }).trim();
const target = Math.floor(tenants / 2);
const image = `${ECR}/api:3.3.0`;

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    writeFileSync(file, spec);
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return Math.round(times.sort((a, b) => a - b)[1] ?? 0);
}
/** Lines of the file that differ from the spec, beyond the one the edit had to change. */
function collateral(): number {
  const r = spawnSync("diff", [join(dir, "before.yaml"), file], { encoding: "utf8" });
  const changed = r.stdout.split("\n").filter((l) => l.startsWith("< ") || l.startsWith("> ")).length;
  return Math.max(0, changed - 2);
}
writeFileSync(join(dir, "before.yaml"), spec);
const name = `portal-${String(target).padStart(5, "0")}`;
const setImage = () =>
  execFileSync(process.execPath, [cli, "set-image", file, `${name}/api`, image, "--cluster", "staging"], {
    stdio: "ignore",
  });
const yqEdit = () =>
  execFileSync(yq, ["-i", `.tenants[${target}].clusters.staging.images.api = "${image}"`, file], {
    stdio: "ignore",
  });
const tenantctlMs = median(setImage);
const tenantctlCollateral = collateral();
const yqMs = median(yqEdit);
const yqCollateral = collateral();

writeFileSync(file, spec);
const rendered = join(dir, "rendered");
execFileSync(process.execPath, [cli, "render", file, "--out", rendered], { stdio: "ignore" });
const checkMs = median(() =>
  execFileSync(process.execPath, [cli, "render", file, "--out", rendered, "--check"], { stdio: "ignore" }),
);
const peerMs = median(() => {
  const scratch = join(dir, "scratch");
  execFileSync(process.execPath, [cli, "render", file, "--out", scratch], { stdio: "ignore" });
  execFileSync("diff", ["-r", "-q", rendered, scratch], { stdio: "ignore" });
  rmSync(scratch, { recursive: true, force: true });
});
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    tenants,
    "spec lines": spec.split("\n").length - 1,
    "set-image ms": tenantctlMs,
    "yq -i ms": yqMs,
    "yq / set-image": (yqMs / tenantctlMs).toFixed(2),
    "lines set-image changed beyond the edit": tenantctlCollateral,
    "lines yq changed beyond the edit": yqCollateral,
    "render --check ms": checkMs,
    "render to scratch + diff -r ms": peerMs,
    "peer / --check": (peerMs / checkMs).toFixed(2),
  }),
);
