// One measurement: `aws synth` (CDK app from the model, cdk-nag, cloud assembly on disk) of the
// example or a generated spec of N tenants, then `verify --aws` over the same platform.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthPlatform } from "../src/aws/synth.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { resolve } from "../src/model/resolve.js";
import { renderModel } from "../src/render/render.js";
import { loadAwsLayer } from "../src/verify/aws/templates.js";
import { verify } from "../src/verify/engine.js";
import { generateSpec } from "./generate.js";

const size = process.argv[2] ?? "example";
const text =
  size === "example"
    ? readFileSync(new URL("../examples/platform.yaml", import.meta.url), "utf8")
    : generateSpec(Number(size));
const result = validateSpecText(text, "bench.yaml");
if (!result.spec) throw new Error(`spec is invalid: ${JSON.stringify(result.diagnostics[0])}`);
const model = resolve(result.spec);
const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-aws-"));

const t0 = performance.now();
const synth = await synthPlatform(model, join(dir, "aws"));
const t1 = performance.now();
const layer = await loadAwsLayer(join(dir, "aws"));
const objects = renderModel(model);
const t2 = performance.now();
const report = verify({ model, objects, aws: layer });
const t3 = performance.now();
rmSync(dir, { recursive: true, force: true });

const bytes = synth.stacks.reduce((n, s) => n + s.bytes, 0);
const resources = synth.stacks.map((s) => s.resources);
console.log(
  JSON.stringify({
    tenants: model.tenants.length,
    stacks: synth.stacks.length,
    resources: resources.reduce((a, b) => a + b, 0),
    "max resources/stack": Math.max(...resources),
    "templates MiB": (bytes / 2 ** 20).toFixed(2),
    "largest template KiB": Math.round(Math.max(...synth.stacks.map((s) => s.bytes)) / 1024),
    "synth ms": Math.round(t1 - t0),
    "verify --aws ms": Math.round(t3 - t2),
    "aws findings": report.findings.filter((f) => f.rule.startsWith("aws-")).length,
    "peak RSS MiB": Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
