// One measurement: apply N generated tenants to a fresh test control plane (real
// kube-apiserver, upstream CRDs), then the no-op second apply.
import { applyPlatform } from "../src/deploy/apply.js";
import { KubeClient } from "../src/deploy/kube-client.js";
import { resolve } from "../src/model/resolve.js";
import { render } from "../src/render/render.js";
import { validateSpecText } from "../src/model/load-platform.js";
import { installUpstreamCrds, startControlPlane } from "../test/support/control-plane.js";
import { generateSpec } from "./generate.js";

const tenants = Number(process.argv[2] ?? 200);
const result = validateSpecText(generateSpec(tenants), "bench.yaml");
if (!result.spec) throw new Error("generated spec is invalid");
const model = resolve(result.spec);
const objects = render(result.spec);

const plane = startControlPlane();
const client = KubeClient.fromKubeconfig({ kubeconfig: plane.kubeconfig, timeoutMs: 120_000 });
try {
  await installUpstreamCrds(client);
  const t0 = performance.now();
  const first = await applyPlatform(client, model, objects, { concurrency: 16 });
  const t1 = performance.now();
  const second = await applyPlatform(client, model, objects, { concurrency: 16 });
  const t2 = performance.now();
  const failed = first.results.filter((r) => r.outcome === "failed").length;
  const changed = second.results.filter((r) => r.outcome !== "unchanged").length;
  console.log(
    JSON.stringify({
      tenants,
      objects: objects.length,
      "control plane start ms": Math.round(plane.startMs),
      "first apply s": ((t1 - t0) / 1000).toFixed(1),
      "objects/s": Math.round(objects.length / ((t1 - t0) / 1000)),
      "second apply (no-op) s": ((t2 - t1) / 1000).toFixed(1),
      "changed on second": changed,
      failed,
    }),
  );
} finally {
  client.close();
  plane.stop();
}
