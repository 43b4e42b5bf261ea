// `npm run bench`: prints the figures that go into docs/benchmarks.md. Each measurement runs
// in a process of its own, so that its peak memory is its own. Figures, never asserts.
// BENCH_ONLY=cli-start|validate-render|verify|hostile-inputs|apply-grouping|aws-synth|cost|apply|up|products-up|expression-engine|throughput|spec-edits|backup|upgrade|import|hibernation|observability picks one suite; BENCH_SIZES overrides its sizes.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const suites = [
  { name: "validate-render", sizes: [100, 1000, "1000+products", 5000] },
  { name: "verify", sizes: [100, 1000, "1000+products", 5000] },
  { name: "cli-start", sizes: ["version", "validate", "verify"] },
  { name: "hostile-inputs", sizes: ["errors", "alias-bomb", "url-80k", "url-100m", "emitter-10m"] },
  { name: "apply-grouping", sizes: [1000, 5000] },
  { name: "aws-synth", sizes: ["example", 100, 1000] },
  { name: "cost", sizes: [100, 1000, 5000] },
  { name: "apply", sizes: [200, 1000] },
  { name: "up", sizes: ["1", "1@1.123.81", "5"] },
  { name: "products-up", sizes: [1, 3] },
  { name: "expression-engine", sizes: ["vm-1", "vm-2", "vm-4", "legacy"] },
  {
    name: "throughput",
    sizes: [
      "2.41.1",
      "2.41.1:no-compile-cache",
      "2.41.1:save-none",
      "2.41.1:legacy",
      "1.123.81",
      "1.123.81:save-none",
    ],
  },
  { name: "spec-edits", sizes: [100, 1000] },
  { name: "backup", sizes: [10000, 100000, 400000] },
  { name: "upgrade", sizes: [10, 200] },
  { name: "import", sizes: [100, 1000] },
  { name: "hibernation", sizes: [10, 200] },
  { name: "observability", sizes: [10, 100, 1000] },
].filter((s) => process.env.BENCH_ONLY === undefined || s.name === process.env.BENCH_ONLY);

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(`date: ${new Date().toISOString().slice(0, 10)}\n`);
for (const suite of suites) {
  const sizes: readonly (number | string)[] = process.env.BENCH_SIZES?.split(",") ?? suite.sizes;
  console.log(`## ${suite.name}`);
  let header = false;
  for (const size of sizes) {
    const out = execFileSync(process.execPath, ["--import", "tsx", `${here}${suite.name}.ts`, String(size)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const row = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    if (!header) {
      console.log(`| ${Object.keys(row).join(" | ")} |`);
      console.log(
        `|${Object.keys(row)
          .map(() => "---:")
          .join("|")}|`,
      );
      header = true;
    }
    console.log(`| ${Object.values(row).join(" | ")} |`);
  }
  console.log("");
}
