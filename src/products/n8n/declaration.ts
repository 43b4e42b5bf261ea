/**
 * n8n as the product contract sees it: main (the editor and API), workers (executions, scaled
 * on queue depth), optional webhook processors; main and workers each run a task-runner
 * sidecar. Its pods are clients of a PostgreSQL database and of Redis (the Bull queue).
 */
import { type EffectiveResources, res } from "../../model/defaults.js";
import { N8N } from "../../model/names.js";
import type { ProductDeclaration, ProductSecret, WorkloadDeclaration } from "../contract/declaration.js";

export const N8N_PRODUCT = "n8n";

/** n8n's own secrets: the key its credentials are encrypted with, and the runners' token. */
export const N8N_SECRET = {
  encryptionKey: {
    purpose: "encryption-key",
    name: "n8n-encryption-key",
    key: "encryptionKey",
    item: "n8n",
    dataBearing: true,
  },
  runnerToken: {
    purpose: "runner-token",
    name: "n8n-runners-auth",
    key: "authToken",
    item: "runners",
    dataBearing: false,
  },
} as const satisfies Record<string, ProductSecret>;

/** The task-runner sidecar that runs next to main and every worker (external runner mode). */
const RUNNER_RESOURCES: EffectiveResources = res("50m", "128Mi", "500m", "512Mi");

export const n8nDeclaration: ProductDeclaration = {
  name: N8N_PRODUCT,
  httpPort: N8N.port,
  workloads(settings) {
    const { main, workers, webhook } = settings.n8n;
    const out: WorkloadDeclaration[] = [
      workload("main", main.replicas, main.replicas, [main.resources, RUNNER_RESOURCES], {
        public: true,
        internet: true,
        metrics: true,
      }),
      workload("worker", workers.min, workers.max, [workers.resources, RUNNER_RESOURCES], {
        public: false,
        internet: true,
        metrics: false,
      }),
    ];
    if (webhook.enabled) {
      out.push(
        workload("webhook", webhook.min, webhook.max, [webhook.resources], {
          public: true,
          internet: false,
          metrics: false,
        }),
      );
    }
    return out;
  },
  dataServices: () => ["database", "queue"],
  secrets: [N8N_SECRET.encryptionKey, N8N_SECRET.runnerToken],
};

function workload(
  component: string,
  min: number,
  max: number,
  containers: readonly EffectiveResources[],
  reach: Pick<WorkloadDeclaration, "public" | "internet" | "metrics">,
): WorkloadDeclaration {
  return { component, min, max, containers, ...reach };
}
