import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { diffPlatform } from "../../src/deploy/diff.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";
import { kubeconfigOf } from "../support/control-plane.js";
import { createNodes, kwokNode, scheduledPods } from "../support/kwok.js";
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
  beforeAll(async () => {
    // Argo CD's namespace, as bootstrap leaves it (docs/bootstrap.md): the GitOps objects go there.
    await admin.call("PATCH", "/api/v1/namespaces/argocd", {
      contentType: "application/apply-patch+yaml",
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "argocd" } },
      query: { fieldManager: "tenantctl-test", force: "true" },
    });
  });

  it("applies with Strict field validation: every object, custom resources against their real CRDs", async () => {
    const report = await applyPlatform(admin, model, objects, { withGitOps: true });
    expect(report.results.filter((r) => r.outcome === "failed" || r.outcome === "not-attempted")).toEqual([]);
    // Every tenant object is new (cluster-scoped ones may exist from another platform's test).
    expect(report.results.filter((r) => r.tenant !== undefined && r.outcome !== "created")).toEqual([]);
    expect(report.results).toHaveLength(objects.length);
    expect(report.pruneSkipped).toBe(false);
  });

  it("holds each tenant's observability wiring as applied: its own Loki tenant, its own metrics proxy, its alert routing", async () => {
    for (const tenant of model.tenants) {
      const cm = await admin.call<{ data: Record<string, string> }>(
        "GET",
        `/api/v1/namespaces/observability-acme/configmaps/grafana-${tenant.name}-provisioning`,
      );
      expect(cm.status).toBe(200);
      const datasources = cm.body.data["datasources.yaml"] ?? "";
      expect(datasources).toContain(`httpHeaderValue1: ${tenant.namespace}\n`);
      expect(datasources).toContain(
        `url: http://prometheus-${tenant.name}.observability-acme.svc.cluster.local:8080`,
      );
      const proxy = await admin.call<{ spec: { template: { spec: { containers: { args: string[] }[] } } } }>(
        "GET",
        `/apis/apps/v1/namespaces/observability-acme/deployments/prometheus-${tenant.name}`,
      );
      expect(proxy.body.spec.template.spec.containers[0]?.args).toContain(`-label-value=${tenant.namespace}`);
    }
    const routing = await admin.call<{ spec: { receivers: { name: string }[] } }>(
      "GET",
      "/apis/monitoring.coreos.com/v1alpha1/namespaces/tenant-globex/alertmanagerconfigs/alerts",
    );
    expect(routing.body.spec.receivers.map((r) => r.name)).toEqual(["oncall", "ops-mail"]);
  });

  it("applies a second time as a no-op", async () => {
    const report = await applyPlatform(admin, model, objects, { withGitOps: true });
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
    const again = await applyPlatform(admin, model, objects, { withGitOps: true });
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

  it("refuses a pod, Deployment, Job or CronJob that would run as the database server's service account (its backup role)", async () => {
    // CloudNativePG creates the server's service account; no operator runs here, so the admin does.
    await admin.call("PATCH", "/api/v1/namespaces/tenant-initech/serviceaccounts/n8n-db", {
      contentType: "application/apply-patch+yaml",
      body: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "n8n-db", namespace: "tenant-initech" },
      },
      query: { fieldManager: "tenantctl-test", force: "true" },
    });
    const borrowing = { serviceAccountName: "n8n-db" };
    const template = { metadata: { labels: { app: "x" } }, spec: pod("x", borrowing).spec };
    type Workload = {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string };
      spec: unknown;
    };
    const attempts: [Workload, string][] = [
      [pod("borrow", borrowing), "pods"],
      [pod("borrow-old-field", { serviceAccount: "n8n-db" }), "pods"],
      [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "borrow", namespace: "tenant-initech" },
          spec: { selector: { matchLabels: { app: "x" } }, template },
        },
        "deployments",
      ],
      [
        {
          apiVersion: "batch/v1",
          kind: "Job",
          metadata: { name: "borrow", namespace: "tenant-initech" },
          spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } },
        },
        "jobs",
      ],
      [
        {
          apiVersion: "batch/v1",
          kind: "CronJob",
          metadata: { name: "borrow", namespace: "tenant-initech" },
          spec: {
            schedule: "* * * * *",
            jobTemplate: {
              spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } },
            },
          },
        },
        "cronjobs",
      ],
    ];
    for (const [object, plural] of attempts) {
      const response = await create(object, plural);
      expect(response.status, `${object.kind} ${object.metadata.name}: ${response.body.message}`).toBe(403);
      expect(response.body.message).toContain(
        "only CloudNativePG runs pods as a database server's service account",
      );
    }
    // The tenant's own service account stays usable.
    expect((await create(pod("own-account", { serviceAccountName: "n8n" }), "pods")).status).toBe(201);
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
    // Two layers refuse them: the admission policy (checked first) and the quota (0 of each).
    const lb = await create(service("lb", "LoadBalancer"), "services");
    expect(lb.status).toBe(403);
    expect(lb.body.message).toMatch(/acme-tenant-workloads.*no LoadBalancer or NodePort Service/);
    const np = await create(service("np", "NodePort"), "services");
    expect(np.status).toBe(403);
    expect(np.body.message).toMatch(/no LoadBalancer or NodePort Service/);
    const quota = await admin.call<{ spec: { hard: Record<string, string> } }>(
      "GET",
      "/api/v1/namespaces/tenant-initech/resourcequotas/tenant-quota",
    );
    expect(quota.body.spec.hard).toMatchObject({ "services.loadbalancers": "0", "services.nodeports": "0" });
    expect((await create(service("ok", "ClusterIP"), "services")).status).toBe(201);
  });

  for (const [name, change, reason] of [
    [
      "tolerating another tenant's dedicated nodes",
      {
        tolerations: [
          { key: "tenantctl.io/node-pool", operator: "Equal", value: "tenant-globex", effect: "NoSchedule" },
        ],
      },
      /may tolerate only its own tenant's node pool/,
    ],
    [
      "tolerating every taint",
      { tolerations: [{ operator: "Exists" }] },
      /may tolerate only its own tenant's node pool/,
    ],
    [
      "tolerating the database pool",
      { tolerations: [{ key: "tenantctl.io/node-pool", operator: "Equal", value: "database" }] },
      /may tolerate only/,
    ],
    [
      "selecting another tenant's dedicated nodes",
      { nodeSelector: { "tenantctl.io/node-pool": "tenant-globex" } },
      /may select only/,
    ],
    [
      "requiring another pool by node affinity",
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: "tenantctl.io/node-pool", operator: "In", values: ["tenant-globex"] },
                  ],
                },
              ],
            },
          },
        },
      },
      /may require only/,
    ],
    ["naming its node", { nodeName: "globex-a" }, /may not name its node/],
  ] as const) {
    it(`rejects a pod ${name}`, async () => {
      const response = await create(pod("p", change), "pods");
      expect(response.status, response.body.message).toBe(403);
      expect(response.body.message).toMatch(/ValidatingAdmissionPolicy 'acme-tenant-workloads'/);
      expect(response.body.message).toMatch(reason);
    });
  }

  it("accepts a pod on its own pool", async () => {
    const own = pod("own", { nodeSelector: { "tenantctl.io/node-pool": "general" } });
    expect((await create(own, "pods")).status).toBe(201);
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

describe("admission of ExternalSecrets, as an internal-zone tenant admin", () => {
  const externalSecret = (store: string, key: string) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "mine", namespace: "tenant-ops" },
    spec: {
      data: [{ remoteRef: { key, property: "token" }, secretKey: "token" }],
      secretStoreRef: { kind: "ClusterSecretStore", name: store },
      target: { name: "mine" },
    },
  });
  async function create(object: ReturnType<typeof externalSecret>) {
    const tenant = KubeClient.fromKubeconfig({ kubeconfig: kubeconfigOf(testenv, "ops-admin") });
    try {
      return await tenant.request<{ message?: string }>(
        "POST",
        "/apis/external-secrets.io/v1/namespaces/tenant-ops/externalsecrets",
        {
          body: object,
          query: { dryRun: "All" },
        },
      );
    } finally {
      tenant.close();
    }
  }

  it("rejects one pointing at the external (customer-data) zone's store", async () => {
    const response = await create(externalSecret("aws-secrets-acme-external", "internal/ops/slack"));
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/may read only the ClusterSecretStore of its own zone/);
  });

  it("rejects one reading another tenant's secrets in its own store", async () => {
    const response = await create(externalSecret("aws-secrets-acme-internal", "internal/payroll/db"));
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/may read only its own secrets/);
  });

  it("accepts one reading its own secrets from its zone's store", async () => {
    const response = await create(externalSecret("aws-secrets-acme-internal", "internal/ops/slack"));
    expect(response.status, response.body.message).toBe(201);
  });
});

describe("admission of NetworkPolicies in the internal zone", () => {
  const policy = (to: unknown[]) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "egress", namespace: "tenant-ops" },
    spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to }] },
  });
  const create = (body: unknown, user: string) => {
    const client = KubeClient.fromKubeconfig({
      kubeconfig: user === "admin" ? kubeconfig : kubeconfigOf(testenv, user),
    });
    return client
      .request<{ message?: string }>(
        "POST",
        "/apis/networking.k8s.io/v1/namespaces/tenant-ops/networkpolicies",
        {
          body,
          query: { dryRun: "All" },
        },
      )
      .finally(() => client.close());
  };
  // Tenant admins may not write NetworkPolicies at all (RBAC); the policy stops everyone else
  // but the platform, e.g. a namespace admin of another operator. Impersonation-free check: a
  // service account of the namespace with the right to write them.
  it("rejects egress to the customer-data network, and to everything (no 'to'), for non-platform writers", async () => {
    const sa = "netpol-writer";
    await admin
      .call("POST", "/api/v1/namespaces/tenant-ops/serviceaccounts", {
        body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa } },
      })
      .catch(() => undefined);
    await admin.call("PATCH", `/apis/rbac.authorization.k8s.io/v1/namespaces/tenant-ops/rolebindings/${sa}`, {
      contentType: "application/apply-patch+yaml",
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: sa, namespace: "tenant-ops" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ kind: "ServiceAccount", name: sa, namespace: "tenant-ops" }],
      },
      query: { fieldManager: "tenantctl-test", force: "true" },
    });
    const token = await admin.call<{ status: { token: string } }>(
      "POST",
      `/api/v1/namespaces/tenant-ops/serviceaccounts/${sa}/token`,
      { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } },
    );
    const file = `${testenv}/${sa}.kubeconfig`;
    const { readFileSync, writeFileSync } = await import("node:fs");
    writeFileSync(
      file,
      readFileSync(kubeconfig, "utf8").replace(/token: \S+/, `token: ${token.body.status.token}`),
    );
    const writer = KubeClient.fromKubeconfig({ kubeconfig: file });
    const post = (body: unknown) =>
      writer.request<{ message?: string }>(
        "POST",
        "/apis/networking.k8s.io/v1/namespaces/tenant-ops/networkpolicies",
        {
          body,
          query: { dryRun: "All" },
        },
      );
    try {
      const direct = await post(policy([{ ipBlock: { cidr: "10.50.1.0/24" } }]));
      expect(direct.status, direct.body.message).toBe(403);
      expect(direct.body.message).toMatch(/acme-internal-egress-internal.*no egress to 10.50.0.0\/16/);
      const wide = await post(policy([{ ipBlock: { cidr: "10.0.0.0/8" } }]));
      expect(wide.status).toBe(403);
      const everything = await post({
        ...policy([]),
        spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] },
      });
      expect(everything.status).toBe(403);
      const excepted = await post(policy([{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.50.0.0/16"] } }]));
      expect(excepted.status, excepted.body.message).toBe(201);
      const elsewhere = await post(policy([{ ipBlock: { cidr: "192.168.10.0/24" } }]));
      expect(elsewhere.status, elsewhere.body.message).toBe(201);
    } finally {
      writer.close();
    }
    // The platform itself is exempt (its own policies are verified statically).
    expect((await create(policy([{ ipBlock: { cidr: "10.50.1.0/24" } }]), "admin")).status).toBe(201);
  });
});

describe("the admission policies as the API server compiled them", () => {
  it("type-check without warnings", async () => {
    const list = await admin.call<{
      items: {
        metadata: { name: string; labels?: Record<string, string> };
        status?: { typeChecking?: { expressionWarnings?: unknown[] } };
      }[];
    }>("GET", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies");
    // This platform's, by its label: other platforms' tests (acme-apps) share the control plane.
    const ours = list.body.items.filter((p) => p.metadata.labels?.["tenantctl.io/platform"] === "acme");
    expect(ours.map((p) => p.metadata.name).sort()).toEqual([
      "acme-database-identity",
      "acme-internal-egress-internal",
      "acme-namespace-labels",
      "acme-secret-store-zone",
      "acme-tenant-workloads",
    ]);
    for (const p of ours)
      expect(p.status?.typeChecking?.expressionWarnings ?? [], p.metadata.name).toEqual([]);
  });

  it("keep tenant and zone labels of a namespace for the platform alone", async () => {
    const sa = `${testenv}/netpol-writer.kubeconfig`;
    const writer = KubeClient.fromKubeconfig({ kubeconfig: sa });
    await admin.call(
      "PATCH",
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/netpol-writer-namespaces",
      {
        contentType: "application/apply-patch+yaml",
        body: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "netpol-writer-namespaces" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subjects: [{ kind: "ServiceAccount", name: "netpol-writer", namespace: "tenant-ops" }],
        },
        query: { fieldManager: "tenantctl-test", force: "true" },
      },
    );
    try {
      const relabel = await writer.request<{ message?: string }>("PATCH", "/api/v1/namespaces/tenant-ops", {
        contentType: "application/merge-patch+json",
        body: { metadata: { labels: { "tenantctl.io/zone": "external" } } },
        query: { dryRun: "All" },
      });
      expect(relabel.status, relabel.body.message).toBe(403);
      // Every platform's namespace-labels policy guards tenantctl's labels on any namespace (the
      // other tests' platforms share this control plane): which one answers first is the API server's order.
      expect(relabel.body.message).toMatch(/ValidatingAdmissionPolicy '[a-z0-9-]+-namespace-labels'/);
      const unrestrict = await writer.request<{ message?: string }>(
        "PATCH",
        "/api/v1/namespaces/tenant-ops",
        {
          contentType: "application/merge-patch+json",
          body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
          query: { dryRun: "All" },
        },
      );
      expect(unrestrict.status).toBe(403);
      const harmless = await writer.request("PATCH", "/api/v1/namespaces/tenant-ops", {
        contentType: "application/merge-patch+json",
        body: { metadata: { labels: { team: "ops" } } },
        query: { dryRun: "All" },
      });
      expect(harmless.status).toBe(200);
    } finally {
      writer.close();
      await admin.call(
        "DELETE",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/netpol-writer-namespaces",
      );
    }
  });
});

describe.sequential("scheduling on KWOK nodes shaped like the Karpenter pools", () => {
  beforeAll(() =>
    createNodes(admin, [
      kwokNode("general-a", "general", "eu-central-1a", false),
      kwokNode("general-b", "general", "eu-central-1b", false),
      kwokNode("database-a", "database", "eu-central-1a", true),
      kwokNode("globex-a", "tenant-globex", "eu-central-1a", true),
      kwokNode("globex-b", "tenant-globex", "eu-central-1b", true),
    ]),
  );

  it("runs the dedicated tenant's pods only on its own nodes, and nobody else's there", async () => {
    const pods = await scheduledPods(admin, model, objects);
    const globex = pods.filter((p) => p.metadata.namespace === "tenant-globex");
    const others = pods.filter((p) => p.metadata.namespace !== "tenant-globex");
    expect(globex.length).toBeGreaterThanOrEqual(5);
    // Only globex's own nodes. Which of them is the scheduler's scoring: the rendered spread over
    // nodes is best effort (ScheduleAnyway), so both may take every pod or one may take them all.
    for (const p of globex) expect(["globex-a", "globex-b"], p.metadata.name).toContain(p.spec.nodeName);
    expect(others.length).toBeGreaterThanOrEqual(12);
    for (const p of others)
      expect(["general-a", "general-b"], `${p.metadata.namespace}/${p.metadata.name}`).toContain(
        p.spec.nodeName,
      );
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
