import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyPlatform } from "../../src/deploy/apply.js";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { resolve } from "../../src/model/resolve.js";
import { render } from "../../src/render/render.js";
import { validSpec } from "../support/example.js";
import { kubeconfigOf } from "../support/control-plane.js";
import { createNodes, kwokNode, scheduledPods } from "../support/kwok.js";
import { PRODUCTS_SPEC } from "../support/platforms.js";

/**
 * The products example (examples/products.yaml: two service products next to n8n) against
 * the real control plane: applied with Strict field validation (RabbitMQ's objects against the
 * operators' CRDs), admission as the shop tenant's admin, and where each component's pods land
 * on KWOK nodes shaped like the node-class pools. Its n8n tenants are left out: the example
 * platform's test owns namespaces of those names on this control plane.
 */
const kubeconfig = inject("kubeconfig");
const testenv = inject("testenvDir");
const admin = KubeClient.fromKubeconfig({ kubeconfig });
const doc = parseDocument(readFileSync(PRODUCTS_SPEC, "utf8"));
const tenants = doc.get("tenants") as {
  items: { get(key: string): unknown; set(key: string, value: unknown): void }[];
};
tenants.items = tenants.items.filter((t) => t.get("product") !== undefined);
// Zone data namespaces are named after the zone (zone-<zone>-data): other platforms of this
// control plane's tests have zones "internal" and "external" too, and apply refuses to take
// over what another platform owns. This platform's zones get names of their own.
const zones = doc.get("zones") as { items: { key: { value: string } }[] };
for (const zone of zones.items) zone.key.value = `apps-${zone.key.value}`;
for (const tenant of tenants.items) tenant.set("zone", `apps-${String(tenant.get("zone"))}`);
const spec = validSpec(doc.toString());
const model = resolve(spec);
const objects = render(spec);
const SHOP = "tenant-shop-initech";

afterAll(() => admin.close());

describe.sequential("the products platform on a real kube-apiserver", () => {
  it("applies with Strict field validation: RabbitmqCluster, Vhost, User, Permission, ScaledObjects and all", async () => {
    // Without the Argo CD objects: the add-ons' Applications are the cluster's, and the example
    // platform's test has installed them on this control plane (apply refuses to take them over).
    const report = await applyPlatform(admin, model, objects, { withGitOps: false });
    expect(report.results.filter((r) => ["failed", "not-attempted", "refused"].includes(r.outcome))).toEqual(
      [],
    );
    expect(report.results.length).toBeGreaterThan(150);
    const kinds = new Set(report.results.map((r) => r.ref.kind));
    for (const kind of [
      "RabbitmqCluster",
      "Vhost",
      "User",
      "Permission",
      "ScaledObject",
      "TriggerAuthentication",
    ])
      expect(kinds, kind).toContain(kind);
  });

  it("applies a second time as a no-op", async () => {
    const report = await applyPlatform(admin, model, objects, { withGitOps: false });
    expect(
      report.results.filter((r) => r.outcome !== "unchanged").map((r) => `${r.ref.kind}/${r.ref.name}`),
    ).toEqual([]);
  });

  it("refuses a RabbitmqCluster with a misspelt field, as Argo CD's sync would be refused", async () => {
    const cluster = objects.find(
      (o) => o.object.kind === "RabbitmqCluster" && o.object.metadata.namespace === SHOP,
    );
    const object = cluster?.object;
    const broken = {
      ...object,
      metadata: { ...object?.metadata, name: "misspelt" },
      spec: { ...(object?.spec as object), replicass: 3 },
    };
    const response = await admin.request<{ message?: string }>(
      "POST",
      `/apis/rabbitmq.com/v1beta1/namespaces/${SHOP}/rabbitmqclusters`,
      { body: broken, query: { fieldValidation: "Strict", dryRun: "All" } },
    );
    expect(response.status, response.body.message).toBe(400);
    expect(response.body.message).toMatch(/replicass/);
  });
});

describe("admission of a product tenant's pods, as its admin with server-side dry run", () => {
  let tenant: KubeClient;
  beforeAll(() => {
    tenant = KubeClient.fromKubeconfig({ kubeconfig: kubeconfigOf(testenv, "shop-initech-admin") });
  });
  afterAll(() => tenant.close());

  const pod = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: SHOP, labels },
    spec: {
      containers: [
        {
          name: "app",
          image: "ghcr.io/acme/shop-api:2.14.0",
          resources: { limits: { cpu: "100m", memory: "64Mi" }, requests: { cpu: "50m", memory: "32Mi" } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: "RuntimeDefault" },
          },
        },
      ],
      ...spec,
    },
  });
  const onPool = (pool: string) => ({
    nodeSelector: { "tenantctl.io/node-pool": pool },
    tolerations: [{ key: "tenantctl.io/node-pool", operator: "Equal", value: pool, effect: "NoSchedule" }],
  });
  const create = (object: ReturnType<typeof pod>) =>
    tenant.request<{ message?: string }>("POST", `/api/v1/namespaces/${SHOP}/pods`, {
      body: object,
      query: { dryRun: "All" },
    });

  for (const pool of ["general", "compute", "memory"]) {
    it(`accepts a pod on the ${pool} pool, a class its components use`, async () => {
      const response = await create(pod(`on-${pool}`, onPool(pool)));
      expect(response.status, response.body.message).toBe(201);
    });
  }

  for (const [pool, why] of [
    ["gpu", "a class none of its components asks for"],
    ["tenant-ledger-umbrella", "another tenant's dedicated pool"],
    ["database", "the database pool, for a pod that is no data server"],
  ] as const) {
    it(`rejects a pod on ${why}`, async () => {
      const response = await create(pod(`on-${pool}`, onPool(pool)));
      expect(response.status, response.body.message).toBe(403);
      expect(response.body.message).toMatch(/ValidatingAdmissionPolicy 'acme-apps-tenant-workloads'/);
    });
  }

  it("rejects a root container under Pod Security restricted", async () => {
    const root = pod("root", {});
    (root.spec.containers[0] as { securityContext: Record<string, unknown> }).securityContext = {
      runAsUser: 0,
    };
    const response = await create(root);
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/PodSecurity "restricted/);
  });

  it("may not create RabbitMQ topology objects (users, vhosts) in its namespace", async () => {
    const response = await tenant.request<{ message?: string }>(
      "POST",
      `/apis/rabbitmq.com/v1beta1/namespaces/${SHOP}/users`,
      {
        body: {
          apiVersion: "rabbitmq.com/v1beta1",
          kind: "User",
          metadata: { name: "intruder", namespace: SHOP },
          spec: { rabbitmqClusterReference: { name: "shared-rabbitmq", namespace: "zone-internal-data" } },
        },
        query: { dryRun: "All" },
      },
    );
    expect(response.status).toBe(403);
  });
});

describe.sequential("scheduling of each component on KWOK nodes of its node class", () => {
  const NODES = [
    kwokNode("apps-general-a", "general", "eu-central-1a", false),
    kwokNode("apps-compute-a", "compute", "eu-central-1a", true),
    kwokNode("apps-memory-a", "memory", "eu-central-1a", true),
    kwokNode("apps-umbrella-a", "tenant-ledger-umbrella", "eu-central-1a", true),
  ];
  beforeAll(() => createNodes(admin, NODES));
  afterAll(async () => {
    for (const n of NODES) await admin.request("DELETE", `/api/v1/nodes/${n.metadata.name}`);
  });

  it("puts api pods on compute, workers on memory, the rest on general, and the dedicated tenant on its own", async () => {
    const pods = await scheduledPods(admin, model, objects);
    const where = (namespace: string, component: string) =>
      pods
        .filter(
          (p) =>
            p.metadata.namespace === namespace &&
            p.metadata.labels?.["app.kubernetes.io/component"] === component,
        )
        .map((p) => p.spec.nodeName);
    expect(where(SHOP, "api")).toEqual(["apps-compute-a", "apps-compute-a"]);
    expect(where(SHOP, "worker")).toEqual(["apps-memory-a", "apps-memory-a"]);
    expect(
      where(SHOP, "web").every(
        (n) => n !== undefined && !["apps-compute-a", "apps-memory-a", "apps-umbrella-a"].includes(n),
      ),
    ).toBe(true);
    expect(where("tenant-shop-staff", "worker")).toEqual(["apps-memory-a", "apps-memory-a"]);
    const umbrella = pods.filter((p) => p.metadata.namespace === "tenant-ledger-umbrella");
    expect(umbrella.length).toBe(4);
    for (const p of umbrella) expect(p.spec.nodeName).toBe("apps-umbrella-a");
    // Nobody else's pods on the class and dedicated nodes.
    const strangers = pods.filter(
      (p) => p.spec.nodeName === "apps-umbrella-a" && p.metadata.namespace !== "tenant-ledger-umbrella",
    );
    expect(strangers).toEqual([]);
  });
});
