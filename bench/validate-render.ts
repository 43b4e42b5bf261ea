// One measurement: validate + render (+ serialise, + write) a generated spec of N tenants.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "../src/render/render.js";
import { toYaml } from "../src/manifest/serialize.js";
import { writeRendered } from "../src/render/write.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { generateSpec, parseSize } from "./generate.js";

const { tenants, products } = parseSize(process.argv[2]);
const text = generateSpec(tenants, "bench", products);

const t0 = performance.now();
const result = validateSpecText(text, "bench.yaml");
if (!result.spec) throw new Error(`generated spec is invalid: ${JSON.stringify(result.diagnostics[0])}`);
const t1 = performance.now();
const objects = render(result.spec);
const t2 = performance.now();
let bytes = 0;
for (const { object } of objects) bytes += toYaml(object).length;
const t3 = performance.now();
const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-"));
await writeRendered(join(dir, "out"), objects);
const t4 = performance.now();
rmSync(dir, { recursive: true, force: true });

const ms = (a: number, b: number) => Math.round(b - a);
console.log(
  JSON.stringify({
    tenants: products ? `${tenants} (⅓ products)` : tenants,
    objects: objects.length,
    "validate ms": ms(t0, t1),
    "render ms": ms(t1, t2),
    "yaml ms": ms(t2, t3),
    "validate+render+yaml ms": ms(t0, t3),
    "write to disk ms": ms(t3, t4),
    "YAML MiB": (bytes / 2 ** 20).toFixed(1),
    "peak RSS MiB": Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
