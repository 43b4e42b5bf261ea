/**
 * What runs in a cluster, read from it: each tenant's schema release is the image tag of its
 * product's migrator workload (n8n's main, `docker.n8n.io/n8nio/n8n:<version>`), and a change is
 * staged while the product's other workloads are held at zero replicas (render/kubernetes/
 * upgrade-stage.ts). Release changes and upgrade waves are then judged against the cluster
 * itself, not only against the rendered tree.
 */
import { forEachLimited } from "../lib/concurrency.js";
import { imageTag } from "../manifest/pod.js";
import { LABEL } from "../model/names.js";
import type { Running, TenantRelease } from "../model/release-changes.js";
import { type Model, schemaVersion } from "../model/resolve.js";
import type { KubeClient } from "./kube-client.js";

interface LiveDeployment {
  readonly metadata: {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly generation?: number;
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
  };
  readonly spec: {
    readonly replicas?: number;
    readonly template: { readonly spec: { readonly containers: readonly { readonly image?: string }[] } };
  };
}

/** Tenants read at once: enough to hide the API server's latency on a large fleet. */
const IN_FLIGHT = 16;

export async function runningOnCluster(
  client: KubeClient,
  model: Model,
  clusterKey: string | undefined,
): Promise<Running> {
  const releases = new Map<string, TenantRelease>();
  await forEachLimited(model.tenants, IN_FLIGHT, async (tenant) => {
    const schema = schemaVersion(tenant);
    const migrator = tenant.product.migrator;
    if (schema === undefined || migrator === undefined) return;
    const listed = await client.call<{ items: LiveDeployment[] }>(
      "GET",
      `/apis/apps/v1/namespaces/${tenant.namespace}/deployments`,
      { query: { labelSelector: `${LABEL.name}=${tenant.product.name}` } },
    );
    const items = listed.body.items;
    const main = items.find((d) => d.metadata.labels?.[LABEL.component] === migrator);
    const tag = imageTag(main?.spec.template.spec.containers[0]?.image ?? "");
    if (main === undefined || tag === undefined) return;
    const staged = items.some((d) => d !== main && d.spec.replicas === 0);
    releases.set(tenant.name, {
      tenant: tenant.name,
      product: tenant.product.name,
      key: schema.key,
      version: tag,
      upgradingFrom: staged ? "(staged in the cluster)" : undefined,
      ready: rolledOut(main),
    });
  });
  return {
    source: `the cluster (context ${client.context})`,
    releasesOn: (key) => (key === clusterKey ? releases : undefined),
  };
}

/** `kubectl rollout status`'s test: the controller saw the current spec, and every replica runs it, ready. */
function rolledOut(d: LiveDeployment): boolean {
  const want = d.spec.replicas ?? 1;
  return (
    (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (d.status?.updatedReplicas ?? 0) >= want &&
    (d.status?.readyReplicas ?? 0) >= want
  );
}
