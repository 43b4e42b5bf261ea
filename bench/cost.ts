// One measurement: `tenantctl cost` of a generated spec of N tenants: the estimate (packing,
// allocation, baselines), then the whole report (with break-even and the growth curve).
import { costReport } from "../src/cost/report.js";
import { estimate } from "../src/cost/estimate.js";
import { priceTable } from "../src/cost/prices.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { resolve } from "../src/model/resolve.js";
import { generateSpec } from "./generate.js";

const tenants = Number(process.argv[2] ?? 1000);
const result = validateSpecText(generateSpec(tenants), "bench.yaml");
if (!result.spec) throw new Error(`generated spec is invalid: ${JSON.stringify(result.diagnostics[0])}`);
const model = resolve(result.spec);
const prices = priceTable(model.cluster.region);
if (prices === undefined) throw new Error("no prices");

const t0 = performance.now();
const e = estimate(model, prices, "proportional");
const t1 = performance.now();
const report = costReport(model, prices, {
  region: model.cluster.region,
  sharing: "proportional",
  chargebackLabel: "cost-center",
});
const t2 = performance.now();

console.log(
  JSON.stringify({
    tenants,
    "nodes (steady)": e.steady.nodeCount + 2,
    "nodes (peak)": e.peak.nodeCount + 2,
    "platform $/month": (e.total / 100).toFixed(0),
    "baseline $/month": (e.baselineTotal / 100).toFixed(0),
    "break-even tenants": report.breakEven ?? "-",
    "estimate ms": Math.round(t1 - t0),
    "report ms (+ break-even, growth)": Math.round(t2 - t1),
    "peak RSS MiB": Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
