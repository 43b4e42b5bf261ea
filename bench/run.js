// `npm run bench`: prints the figures that go into docs/benchmarks.md. Each size runs in a
// child process of its own so that its peak memory (max RSS) is its own. Figures, not asserts.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const sizes = (process.env.BENCH_SIZES ?? "100,1000,5000").split(",").map(Number);
const only = process.env.BENCH_ONLY;
const here = fileURLToPath(new URL(".", import.meta.url));
const suites = [{ name: "validate+render", script: `${here}validate-render.js` }].filter(
  (s) => only === undefined || s.name === only,
);

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(`date: ${new Date().toISOString().slice(0, 10)}\n`);
for (const suite of suites) {
  console.log(`## ${suite.name}`);
  let header = false;
  for (const size of sizes) {
    const out = execFileSync(process.execPath, ["--expose-gc", suite.script, String(size)], {
      encoding: "utf8",
    });
    const row = JSON.parse(out);
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
