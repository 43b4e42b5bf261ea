// One measurement: verify a generated platform of N tenants, in memory and from a rendered
// directory (what the CLI does in a pull request), and np-guard's netpol-analyzer on the
// same directory (`netpolicy list`; BENCH_NETPOLICY=0 skips it, its path from TENANTCTL_NETPOLICY).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { resolve } from "../src/model/resolve.js";
import { renderModel } from "../src/render/render.js";
import { writeRendered } from "../src/render/write.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { verify } from "../src/verify/engine.js";
import { loadVerifyInput } from "../src/verify/load.js";
import { generateSpec, parseSize } from "./generate.js";

const { tenants, products } = parseSize(process.argv[2]);
const result = validateSpecText(generateSpec(tenants, "bench", products), "bench.yaml");
if (!result.spec) throw new Error(`generated spec is invalid: ${JSON.stringify(result.diagnostics[0])}`);
const spec = result.spec;
const model = resolve(spec);
const objects = renderModel(model);
const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-verify-"));
const out = join(dir, "rendered");
await writeRendered(out, objects, spec);

const t0 = performance.now();
const memory = verify({ model, objects });
const t1 = performance.now();
const fromDisk = verify(await loadVerifyInput(out, { render: renderModel }));
const t2 = performance.now();
if (memory.stats.errors + fromDisk.stats.errors > 0) throw new Error("the generated platform has findings");

const binary =
  process.env.TENANTCTL_NETPOLICY ?? join(homedir(), ".cache/tenantctl/netpolicy-v1.4.4/bin/netpolicy");
let netpolicyMs: number | string = "skipped";
if (process.env.BENCH_NETPOLICY !== "0" && existsSync(binary)) {
  const n0 = performance.now();
  try {
    execFileSync(binary, ["list", "-q", "-o", "json", "--dirpath", out, "-f", join(dir, "netpolicy.json")], {
      stdio: "ignore",
      timeout: Number(process.env.BENCH_NETPOLICY_TIMEOUT_MS ?? 600_000),
    });
    netpolicyMs = Math.round(performance.now() - n0);
  } catch {
    netpolicyMs = `> ${Math.round((performance.now() - n0) / 1000)} s (stopped)`;
  }
}
rmSync(dir, { recursive: true, force: true });

const ms = (a: number, b: number) => Math.round(b - a);
console.log(
  JSON.stringify({
    tenants: products ? `${tenants} (⅓ products)` : tenants,
    objects: objects.length,
    endpoints: memory.stats.endpoints,
    policies: memory.stats.policies,
    "verify ms (in memory)": ms(t0, t1),
    "verify ms (read dir + verify)": ms(t1, t2),
    "netpol-analyzer list ms": netpolicyMs,
    "ratio netpol-analyzer / verify (dir)":
      typeof netpolicyMs === "number" ? (netpolicyMs / ms(t1, t2)).toFixed(1) : "-",
    "peak RSS MiB": Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
