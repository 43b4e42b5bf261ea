import { describe, expect, it } from "vitest";
import { exposedNames, metricNames } from "../../src/lib/promql.js";

describe("metric names in PromQL", () => {
  it("finds the metrics, not functions, keywords, labels, strings or durations", () => {
    expect(
      metricNames(
        'kube_resourcequota{namespace="t",type="used"} / ignoring(type) kube_resourcequota{namespace="t",type="hard"} > 0.8',
      ),
    ).toEqual(["kube_resourcequota"]);
    expect(
      metricNames(
        'sum(rate(n8n_workflow_failed_total{job="x"}[5m])) by (tenant) > 0 and on(namespace) absent(up{pod=~"a-[0-9]+"}) or vector(0) offset 1h',
      ),
    ).toEqual(["n8n_workflow_failed_total", "up"]);
    expect(metricNames("histogram_quantile(0.95, sum by (le) (rate(n8n_x_bucket[5m])))")).toEqual([
      "n8n_x_bucket",
    ]);
  });

  it("reads the names a /metrics page offers", () => {
    const page =
      '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\nb 1.5e3\n\nc_bucket{le="+Inf"} 2\n';
    expect([...exposedNames(page)].sort()).toEqual(["a_total", "b", "c_bucket"]);
  });
});
