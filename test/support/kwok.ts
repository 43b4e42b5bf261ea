import type { KubeClient } from "../../src/deploy/kube-client.js";
import type { Model } from "../../src/model/resolve.js";
import type { RenderedObject } from "../../src/manifest/rendered.js";

/**
 * KWOK nodes shaped like the Karpenter pools (their pool label, zone and taint), and the wait
 * until the controller-manager and scheduler have placed every replica of a platform's
 * Deployments: what the scheduling tests of the integration project share.
 */
export interface ScheduledPod {
  readonly metadata: { name: string; namespace: string; labels?: Record<string, string> };
  readonly spec: { nodeName?: string };
}

export function kwokNode(name: string, pool: string, zone: string, taint: boolean) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake" },
      labels: {
        "tenantctl.io/node-pool": pool,
        "topology.kubernetes.io/zone": zone,
        "kubernetes.io/hostname": name,
        type: "kwok",
      },
    },
    spec: taint ? { taints: [{ key: "tenantctl.io/node-pool", value: pool, effect: "NoSchedule" }] } : {},
  };
}

export async function createNodes(
  admin: KubeClient,
  nodes: readonly ReturnType<typeof kwokNode>[],
): Promise<void> {
  for (const n of nodes) {
    await admin.call("PATCH", `/api/v1/nodes/${n.metadata.name}`, {
      contentType: "application/apply-patch+yaml",
      body: n,
      query: { fieldManager: "tenantctl-test", force: "true" },
    });
  }
}

/**
 * The tenants' pods once every replica of every rendered Deployment exists and is scheduled:
 * the controllers create them one by one, so "all that exist are scheduled" is not enough.
 */
export async function scheduledPods(
  admin: KubeClient,
  model: Model,
  objects: readonly RenderedObject[],
): Promise<ScheduledPod[]> {
  const namespaces = model.tenants.map((t) => t.namespace);
  const expected = objects
    .filter((o) => o.object.kind === "Deployment" && namespaces.includes(o.object.metadata.namespace ?? ""))
    .reduce((n, o) => n + ((o.object.spec as { replicas?: number }).replicas ?? 1), 0);
  for (let attempt = 0; attempt < 150; attempt++) {
    const pods = (await admin.call<{ items: ScheduledPod[] }>("GET", "/api/v1/pods")).body.items.filter((p) =>
      namespaces.includes(p.metadata.namespace),
    );
    if (pods.length >= expected && pods.every((p) => p.spec.nodeName !== undefined)) return pods;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the ${expected} tenant pods were not all created and scheduled within 30 s`);
}
