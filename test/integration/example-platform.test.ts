import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { diffPlatform } from "../../src/deploy/diff.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";
import { kubeconfigOf } from "../support/control-plane.js";
import { exampleWith } from "../support/spec-text.js";

/**
 * The example platform against the real control plane, in order: apply, idempotence, what
 * tenant admins may and may not do (RBAC, admission), where pods land (KWOK nodes shaped like
 * the Karpenter pools), and prune.
 */
const kubeconfig = inject("kubeconfig");
const testenv = inject("testenvDir");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
const spec = validSpec();
const model = resolve(spec);
const objects = render(spec);

afterAll(() => admin.close());

/** What an apply did to anything, as readable lines, for "nothing changed" assertions. */
function changedIn(report: Awaited<ReturnType<typeof applyPlatform>>): string[] {
  return report.results
    .filter((r) => r.outcome !== "unchanged")
    .map((r) => `${r.outcome} ${r.ref.kind} ${r.ref.namespace ?? ""}/${r.ref.name} ${r.error ?? ""}`.trim());
}

describe.sequential("the example platform on a real kube-apiserver", () => {
  it("applies with Strict field validation: every object, custom resources against their real CRDs", async () => {
    const report = await applyPlatform(admin, model, objects);
    const notCreated = report.results.filter((r) => r.outcome !== "created");
    expect(notCreated).toEqual([]);
    expect(report.results).toHaveLength(objects.length);
    expect(report.pruneSkipped).toBe(false);
  });

  it("applies a second time as a no-op", async () => {
    const report = await applyPlatform(admin, model, objects);
    expect(changedIn(report)).toEqual([]);
    expect(report.pruned).toEqual([]);
  });

  it("reports nothing to change in diff", async () => {
    const diffs = await diffPlatform(admin, model.platform, objects);
    expect(
      diffs
        .filter((d) => d.change !== "none")
        .map((d) => `${d.change} ${d.ref.kind}/${d.ref.name} ${d.lines.join("\n")}`),
    ).toEqual([]);
  });

  it("shows a change in diff and applies nothing in a dry run", async () => {
    const changed = validSpec(
      exampleWith((doc) => doc.setIn(["tenants", 2, "n8n"], { workers: { max: 4 } })),
    );
    const objectsAfter = render(changed);
    const diffs = await diffPlatform(admin, model.platform, objectsAfter);
    const updates = diffs.filter((d) => d.change === "update");
    expect(updates.map((d) => `${d.ref.namespace}/${d.ref.kind}/${d.ref.name}`)).toEqual([
      "tenant-initech/ScaledObject/n8n-worker",
    ]);
    expect(updates[0]?.lines).toEqual(
      expect.arrayContaining(["-   maxReplicaCount: 5", "+   maxReplicaCount: 4"]),
    );
    const dry = await applyPlatform(admin, resolve(changed), objectsAfter, { dryRun: true });
    expect(dry.results.filter((r) => r.outcome === "configured").map((r) => r.ref.name)).toEqual([
      "n8n-worker",
    ]);
    const again = await applyPlatform(admin, model, objects);
    expect(changedIn(again)).toEqual([]);
  });
});

describe("tenant admins, checked with SubjectAccessReview (multi-tenancy benchmark checks)", () => {
  async function allowed(
    user: string,
    groups: readonly string[],
    attrs: Record<string, string>,
  ): Promise<boolean> {
    const review = await admin.call<{ status: { allowed: boolean } }>(
      "POST",
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      {
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: { user, groups, resourceAttributes: attrs },
        },
      },
    );
    return review.body.status.allowed;
  }
  const initech = (attrs: Record<string, string>) => allowed("initech-admin", ["initech-admins"], attrs);

  it("may run its workloads in its own namespace", async () => {
    const ns = "tenant-initech";
    for (const [group, resource, verb] of [
      ["apps", "deployments", "create"],
      ["apps", "deployments", "patch"],
      ["", "services", "create"],
      ["", "configmaps", "delete"],
      ["networking.k8s.io", "ingresses", "create"],
      ["batch", "jobs", "create"],
      ["", "pods", "delete"],
      ["", "secrets", "get"],
    ] as const) {
      expect(await initech({ namespace: ns, group, resource, verb }), `${verb} ${resource}`).toBe(true);
    }
    expect(await initech({ namespace: ns, resource: "pods", subresource: "log", verb: "get" })).toBe(true);
  });

  it("is denied everything in other tenants' namespaces", async () => {
    for (const ns of ["tenant-globex", "tenant-ops", "tenant-umbrella", "kube-system", "default"]) {
      for (const [group, resource, verb] of [
        ["apps", "deployments", "list"],
        ["", "secrets", "get"],
        ["", "pods", "list"],
        ["", "configmaps", "create"],
      ] as const) {
        expect(await initech({ namespace: ns, group, resource, verb }), `${verb} ${resource} in ${ns}`).toBe(
          false,
        );
      }
    }
  });

  it("is denied cluster-scoped resources", async () => {
    for (const [group, resource, verb] of [
      ["", "namespaces", "create"],
      ["", "namespaces", "list"],
      ["", "nodes", "list"],
      ["", "persistentvolumes", "list"],
      ["rbac.authorization.k8s.io", "clusterroles", "create"],
      ["rbac.authorization.k8s.io", "clusterrolebindings", "create"],
      ["apiextensions.k8s.io", "customresourcedefinitions", "create"],
      ["admissionregistration.k8s.io", "validatingadmissionpolicies", "list"],
    ] as const) {
      expect(await initech({ group, resource, verb }), `${verb} ${resource}`).toBe(false);
    }
  });

  it("may not change what isolates it, in its own namespace", async () => {
    for (const [group, resource] of [
      ["", "resourcequotas"],
      ["", "limitranges"],
      ["networking.k8s.io", "networkpolicies"],
      ["rbac.authorization.k8s.io", "roles"],
      ["rbac.authorization.k8s.io", "rolebindings"],
      ["", "namespaces"],
    ] as const) {
      for (const verb of ["create", "update", "patch", "delete"]) {
        expect(
          await initech({ namespace: "tenant-initech", group, resource, verb }),
          `${verb} ${resource}`,
        ).toBe(false);
      }
    }
  });

  it("may not escalate, bind or impersonate", async () => {
    const rbac = "rbac.authorization.k8s.io";
    expect(
      await initech({ namespace: "tenant-initech", group: rbac, resource: "roles", verb: "escalate" }),
    ).toBe(false);
    expect(await initech({ namespace: "tenant-initech", group: rbac, resource: "roles", verb: "bind" })).toBe(
      false,
    );
    expect(
      await initech({ namespace: "tenant-initech", group: rbac, resource: "clusterroles", verb: "bind" }),
    ).toBe(false);
    expect(await initech({ resource: "users", verb: "impersonate" })).toBe(false);
    expect(await initech({ resource: "groups", verb: "impersonate" })).toBe(false);
    expect(
      await initech({ resource: "serviceaccounts", verb: "impersonate", namespace: "tenant-initech" }),
    ).toBe(false);
  });

  it("lets a viewer read but not write, and not read secrets", async () => {
    const viewer = (attrs: Record<string, string>) => allowed("initech-auditor", ["initech-auditors"], attrs);
    expect(
      await viewer({ namespace: "tenant-initech", group: "apps", resource: "deployments", verb: "list" }),
    ).toBe(true);
    expect(
      await viewer({ namespace: "tenant-initech", group: "apps", resource: "deployments", verb: "create" }),
    ).toBe(false);
    expect(await viewer({ namespace: "tenant-initech", resource: "secrets", verb: "get" })).toBe(false);
  });
});

describe("admission, as the tenant admin with server-side dry run", () => {
  let tenant: KubeClient;
  beforeAll(() => {
    tenant = KubeClient.fromKubeconfig({ kubeconfig: kubeconfigOf(testenv, "initech-admin") });
  });
  afterAll(() => tenant.close());

  const resources = { limits: { cpu: "100m", memory: "64Mi" }, requests: { cpu: "50m", memory: "32Mi" } };
  const compliantContainer = {
    name: "app",
    image: "busybox",
    resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
  const pod = (name: string, spec: Record<string, unknown>, container: Record<string, unknown> = {}) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "tenant-initech" },
    spec: { containers: [{ ...compliantContainer, ...container }], ...spec },
  });
  async function create(
    object: { apiVersion: string; kind: string; metadata: { namespace: string } },
    plural: string,
  ) {
    const base = object.apiVersion === "v1" ? "/api/v1" : `/apis/${object.apiVersion}`;
    return tenant.request<{ message?: string }>(
      "POST",
      `${base}/namespaces/${object.metadata.namespace}/${plural}`,
      {
        body: object,
        query: { dryRun: "All" },
      },
    );
  }

  it("accepts a compliant pod", async () => {
    const response = await create(pod("ok", {}), "pods");
    expect(response.status).toBe(201);
  });

  for (const [name, spec, container, reason] of [
    [
      "privileged",
      {},
      {
        securityContext: {
          ...compliantContainer.securityContext,
          privileged: true,
          allowPrivilegeEscalation: true,
        },
      },
      /privileged/,
    ],
    ["host-path", { volumes: [{ name: "h", hostPath: { path: "/etc" } }] }, {}, /hostPath/],
    ["host-network", { hostNetwork: true }, {}, /host namespaces|hostNetwork/],
    [
      "root",
      {},
      { securityContext: { ...compliantContainer.securityContext, runAsNonRoot: false, runAsUser: 0 } },
      /runAsNonRoot|runAsUser/,
    ],
  ] as const) {
    it(`rejects a ${name} pod under Pod Security restricted`, async () => {
      const response = await create(pod(name, spec, container), "pods");
      expect(response.status, response.body.message).toBe(403);
      expect(response.body.message, response.body.message).toMatch(
        /violates PodSecurity "restricted:v1\.34"/,
      );
      expect(response.body.message).toMatch(reason);
    });
  }

  it("rejects a LoadBalancer or NodePort Service through the quota, and accepts a ClusterIP one", async () => {
    const service = (name: string, type: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "tenant-initech" },
      spec: { type, ports: [{ port: 80 }], selector: { app: "x" } },
    });
    const lb = await create(service("lb", "LoadBalancer"), "services");
    expect(lb.status).toBe(403);
    expect(lb.body.message).toMatch(/exceeded quota: tenant-quota.*services.loadbalancers/);
    const np = await create(service("np", "NodePort"), "services");
    expect(np.status).toBe(403);
    expect(np.body.message).toMatch(/services.nodeports/);
    expect((await create(service("ok", "ClusterIP"), "services")).status).toBe(201);
  });

  it("rejects a pod that asks for more than the tenant's quota", async () => {
    const big = pod(
      "big",
      {},
      { resources: { requests: { cpu: "64", memory: "1Gi" }, limits: { cpu: "64", memory: "1Gi" } } },
    );
    const response = await create(big, "pods");
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/exceeded quota: tenant-quota/);
  });
});

describe.sequential("scheduling on KWOK nodes shaped like the Karpenter pools", () => {
  type Pod = { metadata: { name: string; namespace: string }; spec: { nodeName?: string } };
  const node = (name: string, pool: string, zone: string, taint: boolean) => ({
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
  });

  beforeAll(async () => {
    const nodes = [
      node("general-a", "general", "eu-central-1a", false),
      node("general-b", "general", "eu-central-1b", false),
      node("database-a", "database", "eu-central-1a", true),
      node("globex-a", "tenant-globex", "eu-central-1a", true),
      node("globex-b", "tenant-globex", "eu-central-1b", true),
    ];
    for (const n of nodes) {
      await admin.call("PATCH", `/api/v1/nodes/${n.metadata.name}`, {
        contentType: "application/apply-patch+yaml",
        body: n,
        query: { fieldManager: "tenantctl-test", force: "true" },
      });
    }
  });

  async function scheduledPods(): Promise<Pod[]> {
    const tenantNamespaces = model.tenants.map((t) => t.namespace);
    for (let attempt = 0; attempt < 150; attempt++) {
      const pods = (await admin.call<{ items: Pod[] }>("GET", "/api/v1/pods")).body.items.filter((p) =>
        tenantNamespaces.includes(p.metadata.namespace),
      );
      if (pods.length > 0 && pods.every((p) => p.spec.nodeName !== undefined)) return pods;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("tenant pods were not all scheduled within 30 s");
  }

  it("runs the dedicated tenant's pods only on its own nodes, and nobody else's there", async () => {
    const pods = await scheduledPods();
    const globex = pods.filter((p) => p.metadata.namespace === "tenant-globex");
    const others = pods.filter((p) => p.metadata.namespace !== "tenant-globex");
    expect(globex.length).toBeGreaterThanOrEqual(5);
    expect(new Set(globex.map((p) => p.spec.nodeName))).toEqual(new Set(["globex-a", "globex-b"]));
    expect(others.length).toBeGreaterThanOrEqual(12);
    for (const p of others)
      expect(["general-a", "general-b"], `${p.metadata.namespace}/${p.metadata.name}`).toContain(
        p.spec.nodeName,
      );
  });

  it("keeps a pod that only selects a dedicated pool (without tolerating it) off those nodes", async () => {
    const tenant = KubeClient.fromKubeconfig({ kubeconfig: kubeconfigOf(testenv, "initech-admin") });
    const name = "sneaky";
    const created = await tenant.call("POST", "/api/v1/namespaces/tenant-initech/pods", {
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: {
          nodeSelector: { "tenantctl.io/node-pool": "tenant-globex" },
          containers: [
            {
              name: "app",
              image: "busybox",
              resources: {
                limits: { cpu: "100m", memory: "64Mi" },
                requests: { cpu: "50m", memory: "32Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                runAsNonRoot: true,
                runAsUser: 1000,
                seccompProfile: { type: "RuntimeDefault" },
              },
            },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 2000));
    const pod = (
      await tenant.call<Pod & { status: { phase: string } }>(
        "GET",
        `/api/v1/namespaces/tenant-initech/pods/${name}`,
      )
    ).body;
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status.phase).toBe("Pending");
    await tenant.call("DELETE", `/api/v1/namespaces/tenant-initech/pods/${name}`, {
      query: { gracePeriodSeconds: "0" },
    });
    tenant.close();
  });
});

describe.sequential("prune", () => {
  const withoutUmbrella = validSpec(
    exampleWith((doc) => {
      const tenants = doc.get("tenants") as { items: unknown[] };
      tenants.items = tenants.items.slice(0, 3);
    }),
  );

  it("deletes a removed tenant's objects but keeps, and lists, what holds data", async () => {
    const report = await applyPlatform(admin, resolve(withoutUmbrella), render(withoutUmbrella));
    const kept = report.keptForData.map((r) => `${r.kind} ${r.namespace ?? ""}/${r.name}`);
    expect(kept).toEqual(
      expect.arrayContaining([
        "Cluster tenant-umbrella/n8n-db",
        "ExternalSecret tenant-umbrella/n8n-encryption-key",
        "ExternalSecret tenant-umbrella/n8n-db-app",
        "Namespace /tenant-umbrella",
      ]),
    );
    const pruned = report.pruned.map((r) => `${r.kind} ${r.namespace ?? ""}/${r.name}`);
    expect(pruned).toEqual(
      expect.arrayContaining(["Deployment tenant-umbrella/n8n-main", "Ingress tenant-umbrella/n8n"]),
    );
    expect(pruned).not.toContain("Cluster tenant-umbrella/n8n-db");
    expect(pruned).not.toContain("Namespace /tenant-umbrella");
    const cluster = await admin.request(
      "GET",
      "/apis/postgresql.cnpg.io/v1/namespaces/tenant-umbrella/clusters/n8n-db",
    );
    expect(cluster.status).toBe(200);
    const deployment = await admin.request(
      "GET",
      "/apis/apps/v1/namespaces/tenant-umbrella/deployments/n8n-main",
    );
    expect(deployment.status).toBe(404);
  });

  it("deletes the data too with allowDataLoss", async () => {
    const report = await applyPlatform(admin, resolve(withoutUmbrella), render(withoutUmbrella), {
      allowDataLoss: true,
    });
    expect(report.keptForData).toEqual([]);
    expect(report.pruned.map((r) => `${r.kind} ${r.name}`)).toEqual(
      expect.arrayContaining(["Cluster n8n-db", "Namespace tenant-umbrella"]),
    );
    const cluster = await admin.request(
      "GET",
      "/apis/postgresql.cnpg.io/v1/namespaces/tenant-umbrella/clusters/n8n-db",
    );
    expect(cluster.status).toBe(404);
  });
});
