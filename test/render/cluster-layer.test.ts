import { describe, expect, it } from "vitest";
import { NODE_POOL } from "../../src/model/names.js";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { podSpecOf } from "../../src/verify/workloads.js";
import versions from "../../src/versions.json" with { type: "json" };
import { ADDONS_WHEN_NEEDED, type AddonName } from "../../src/input/schema.js";
import { platform } from "../support/platforms.js";

type Obj = Record<string, unknown>;
const example = platform("example");
const shared = platform("shared-services");
const products = platform("products");
const inCluster = (objects: typeof example.objects, dir: string) =>
  objects.filter((o) => o.file.startsWith(`clusters/`) && o.file.includes(`/${dir}/`)).map((o) => o.object);
const byKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind);
interface AppSetSpec {
  generators: { git: { directories: { path: string }[] } }[];
  template: {
    metadata: { name: string };
    spec: {
      project: string;
      destination: { namespace: string };
      source: { path: string };
      syncPolicy: { automated: Obj };
    };
  };
}
const appSetSpec = (sets: KubernetesObject[], name: string) =>
  sets.find((s) => s.metadata.name === name)?.spec as AppSetSpec;

describe("Argo CD projects", () => {
  for (const { model, objects } of [example, shared]) {
    it(`gives every tenant of ${model.platform} exactly one project, whose only destination is its namespace`, () => {
      const projects = byKind(inCluster(objects, "argocd"), "AppProject");
      for (const tenant of model.tenants) {
        const own = projects.filter((p) => p.metadata.name === `tenant-${tenant.name}`);
        expect(own).toHaveLength(1);
        const spec = own[0]?.spec as {
          destinations: unknown[];
          sourceRepos: string[];
          clusterResourceWhitelist: unknown[];
          namespaceResourceBlacklist: { kind: string }[];
        };
        expect(spec.destinations).toEqual([
          { namespace: tenant.namespace, server: "https://kubernetes.default.svc" },
        ]);
        expect(spec.sourceRepos).toEqual([model.gitops.repoURL]);
        expect(spec.clusterResourceWhitelist).toEqual([]);
        expect(spec.namespaceResourceBlacklist.map((k) => k.kind).sort()).toEqual(
          [
            "LimitRange",
            "NetworkPolicy",
            "ResourceQuota",
            "Role",
            "RoleBinding",
            "SecurityGroupPolicy",
          ].sort(),
        );
      }
    });
  }

  it("lets a tenant's admin groups get and sync its applications only", () => {
    const project = byKind(inCluster(example.objects, "argocd"), "AppProject").find(
      (p) => p.metadata.name === "tenant-globex",
    );
    const roles = (project?.spec as { roles: { groups: string[]; policies: string[] }[] }).roles;
    expect(roles).toHaveLength(1);
    expect(roles[0]?.groups).toEqual(["globex-admins"]);
    expect(roles[0]?.policies).toEqual([
      "p, proj:tenant-globex:admin, applications, get, tenant-globex/*, allow",
      "p, proj:tenant-globex:admin, applications, sync, tenant-globex/*, allow",
    ]);
  });

  it("puts what isolates a tenant in the platform's part of its directory, and its stack in its own", () => {
    for (const o of example.objects.filter((x) => x.tenant !== undefined)) {
      const isolating = [
        "ResourceQuota",
        "LimitRange",
        "NetworkPolicy",
        "Role",
        "RoleBinding",
        "Namespace",
      ].includes(o.object.kind);
      expect(o.file, o.file).toMatch(isolating ? /^tenants\/[^/]+\/platform\// : /^tenants\/[^/]+\/n8n\//);
    }
  });

  it("generates the applications from the rendered directories, synced automatically, and never prunes data", () => {
    const sets = byKind(inCluster(example.objects, "argocd"), "ApplicationSet");
    expect(sets.map((s) => s.metadata.name).sort()).toEqual([
      "acme-tenant-baselines",
      "acme-tenant-n8n",
      "acme-zone-services",
    ]);
    const stacks = appSetSpec(sets, "acme-tenant-n8n");
    expect(stacks.generators[0]?.git.directories).toEqual([{ path: "rendered/tenants/*/n8n" }]);
    expect(stacks.template.spec.source.path).toBe("{{ .path.path }}");
    expect(stacks.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    for (const o of example.objects
      .map((x) => x.object)
      .filter((x) => ["Cluster", "Database"].includes(x.kind))) {
      expect(o.metadata.annotations?.["argocd.argoproj.io/sync-options"]).toBe("Prune=false,Delete=false");
    }
  });

  it("orders a tenant's sync: namespace, then isolation, then secrets and data, n8n last", () => {
    const wave = (kind: string, name?: string) =>
      Number(
        example.objects.find(
          (o) =>
            o.tenant === "initech" &&
            o.object.kind === kind &&
            (name === undefined || o.object.metadata.name === name),
        )?.object.metadata.annotations?.["argocd.argoproj.io/sync-wave"],
      );
    const order = [
      wave("Namespace"),
      wave("ResourceQuota"),
      wave("ExternalSecret"),
      wave("Cluster"),
      wave("Deployment", "n8n-main"),
      wave("Ingress"),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it("makes the cluster layer GitOps-managed too (app of apps)", () => {
    const root = byKind(inCluster(example.objects, "argocd"), "Application")[0];
    expect(root?.metadata.name).toBe("cluster-acme-prod");
    expect((root?.spec as { source: { path: string } }).source.path).toBe("rendered/clusters/acme-prod");
  });
});

describe("add-ons", () => {
  it("installs each enabled add-on from its pinned chart version in src/versions.json", () => {
    const apps = byKind(inCluster(example.objects, "addons"), "Application");
    const pins = versions.addons as Record<string, { chart: string; version: string; repoURL: string }>;
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(
      Object.entries(pins)
        .filter(([name]) => !["kyverno", "policyReporter", ...ADDONS_WHEN_NEEDED].includes(name as AddonName))
        .map(([, p]) => `addon-${p.chart}`)
        .sort(),
    );
    for (const app of apps) {
      const source = (app.spec as { source: { chart: string; targetRevision: string; repoURL: string } })
        .source;
      const pin = Object.values(pins).find((p) => p.chart === source.chart);
      expect(source).toMatchObject({ targetRevision: pin?.version, repoURL: pin?.repoURL });
    }
  });

  it("installs the RabbitMQ operators only where a tenant has RabbitMQ, from the release tags' kustomize bases", () => {
    const names = (objects: typeof example.objects) =>
      byKind(inCluster(objects, "addons"), "Application").map((a) => a.metadata.name);
    expect(names(example.objects)).not.toContain("addon-rabbitmq-cluster-operator");
    const apps = byKind(inCluster(products.objects, "addons"), "Application");
    for (const [addon, pin] of [
      ["rabbitmqClusterOperator", versions.addons.rabbitmqClusterOperator],
      ["rabbitmqTopologyOperator", versions.addons.rabbitmqTopologyOperator],
    ] as const) {
      const app = apps.find((a) => a.metadata.name === `addon-${pin.chart}`);
      expect(app, addon).toBeDefined();
      // The same tags as the CRDs the renderers are checked against (vendor/crds/).
      expect(pin.version).toMatch(/^v\d+\.\d+\.\d+$/);
      expect((app?.spec as { source: Obj }).source).toEqual({
        path: pin.path,
        repoURL: pin.repoURL,
        targetRevision: pin.version,
      });
    }
  });

  it("switches add-ons on and off and merges the user's values over tenantctl's", () => {
    const apps = byKind(inCluster(shared.objects, "addons"), "Application").map((a) => a.metadata.name);
    expect(apps).toContain("addon-kyverno");
    expect(apps).not.toContain("addon-loki");
    const certManager = byKind(inCluster(shared.objects, "addons"), "Application").find(
      (a) => a.metadata.name === "addon-cert-manager",
    );
    expect(
      (certManager?.spec as { source: { helm: { valuesObject: Obj } } }).source.helm.valuesObject,
    ).toMatchObject({
      crds: { enabled: true },
      replicaCount: 2,
    });
  });

  it("renders the admission policies for Kyverno too when it is on, with the same CEL", () => {
    const admission = inCluster(shared.objects, "admission");
    for (const vap of byKind(admission, "ValidatingAdmissionPolicy")) {
      const twin = byKind(admission, "ClusterPolicy").find((p) => p.metadata.name === vap.metadata.name);
      const vapCel = (vap.spec as { validations: { expression: string }[] }).validations.map(
        (v) => v.expression,
      );
      const kyvernoCel = (
        twin?.spec as { rules: { validate: { cel: { expressions: { expression: string }[] } } }[] }
      ).rules[0]?.validate.cel.expressions.map((e) => e.expression);
      expect(kyvernoCel).toEqual(vapCel);
    }
  });
});

describe("Karpenter node pools", () => {
  const pools = byKind(inCluster(example.objects, "karpenter"), "NodePool");
  const taintOf = (pool: KubernetesObject) =>
    ((pool.spec as { template: { spec: { taints?: { key: string; value: string }[] } } }).template.spec
      .taints ?? [])[0];

  it("has general (spot first, on-demand fallback), database (on-demand, tainted) and a pool per dedicated tenant", () => {
    expect(pools.map((p) => p.metadata.name).sort()).toEqual([
      "acme-database",
      "acme-general",
      "acme-tenant-globex",
    ]);
    const requirement = (name: string) =>
      (
        pools.find((p) => p.metadata.name === `acme-${name}`)?.spec as {
          template: { spec: { requirements: { key: string; values: string[] }[] } };
        }
      ).template.spec.requirements.find((r) => r.key === "karpenter.sh/capacity-type")?.values;
    expect(requirement("general")).toEqual(["spot", "on-demand"]);
    expect(requirement("database")).toEqual(["on-demand"]);
    expect(
      taintOf(pools.find((p) => p.metadata.name === "acme-general") as KubernetesObject),
    ).toBeUndefined();
    expect(taintOf(pools.find((p) => p.metadata.name === "acme-database") as KubernetesObject)).toMatchObject(
      {
        value: "database",
      },
    );
  });

  for (const { model, objects } of [example, shared]) {
    it(`lets only the tenant's own pods tolerate a dedicated or zone pool's taint (${model.platform})`, () => {
      const tainted = byKind(inCluster(objects, "karpenter"), "NodePool").filter(
        (p) => taintOf(p) !== undefined && taintOf(p)?.value !== NODE_POOL.database,
      );
      for (const pool of tainted) {
        const taint = taintOf(pool) as { key: string; value: string };
        const tolerating = objects.filter((o) => {
          const pod = podSpecOf(o.object);
          const tolerations = (pod?.tolerations ?? []) as { key?: string; value?: string }[];
          const cnpg =
            (o.object.spec as { affinity?: { tolerations?: { key?: string; value?: string }[] } })?.affinity
              ?.tolerations ?? [];
          return [...tolerations, ...(o.object.kind === "Cluster" ? cnpg : [])].some(
            (t) => t.key === taint.key && t.value === taint.value,
          );
        });
        expect(tolerating.length, pool.metadata.name).toBeGreaterThan(0);
        const owners = new Set(
          tolerating.map((o) =>
            taint.value.startsWith("tenant-")
              ? `tenant-${o.tenant ?? o.object.metadata.labels?.["tenantctl.io/tenant"]}`
              : `zone-${o.object.metadata.labels?.["tenantctl.io/zone"]}`,
          ),
        );
        expect([...owners], pool.metadata.name).toEqual([taint.value]);
      }
    });
  }

  it("adds a tainted pool per node class some component asks for (compute: c, memory: r), and no GPU pool unasked", () => {
    const pools = byKind(inCluster(products.objects, "karpenter"), "NodePool");
    const categories = (name: string) =>
      (
        (pools.find((p) => p.metadata.name === `acme-apps-${name}`)?.spec as Obj | undefined)?.template as {
          spec: { requirements: { key: string; values: string[] }[]; taints?: unknown[] };
        }
      )?.spec;
    expect(
      categories("compute")?.requirements.find((r) => r.key.endsWith("instance-category"))?.values,
    ).toEqual(["c"]);
    expect(
      categories("memory")?.requirements.find((r) => r.key.endsWith("instance-category"))?.values,
    ).toEqual(["r"]);
    expect(categories("compute")?.taints).toHaveLength(1);
    expect(pools.map((p) => p.metadata.name)).not.toContain("acme-apps-gpu");
    // Each component's pods select and tolerate exactly their class's pool.
    const deployment = (tenant: string, name: string) =>
      products.objects.find((o) => o.file === `tenants/${tenant}/shop/deployment-${name}.yaml`)
        ?.object as KubernetesObject;
    const poolOf = (d: KubernetesObject) => (podSpecOf(d)?.nodeSelector as Obj)[NODE_POOL.key];
    expect(poolOf(deployment("shop-initech", "shop-api"))).toBe("compute");
    expect(poolOf(deployment("shop-initech", "shop-worker"))).toBe("memory");
    expect(poolOf(deployment("shop-initech", "shop-web"))).toBe("general");
    const namespace = products.objects.find(
      (o) => o.file === "tenants/shop-initech/platform/namespace-tenant-shop-initech.yaml",
    );
    expect(namespace?.object.metadata.labels?.["tenantctl.io/class-pools"]).toBe("compute.memory");
  });

  it("requires IMDSv2 with one hop, so pods cannot use the node's role", () => {
    for (const nodeClass of byKind(inCluster(example.objects, "karpenter"), "EC2NodeClass")) {
      expect((nodeClass.spec as { metadataOptions: Obj }).metadataOptions).toMatchObject({
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    }
  });
});

describe("zone identities", () => {
  it("gives each zone a ClusterSecretStore with the zone's own IAM role, usable only from that zone's namespaces", () => {
    const stores = byKind(inCluster(example.objects, "secret-stores"), "ClusterSecretStore");
    expect(stores.map((s) => s.metadata.name).sort()).toEqual([
      "aws-secrets-acme-external",
      "aws-secrets-acme-internal",
    ]);
    const internal = stores.find((s) => s.metadata.name === "aws-secrets-acme-internal")?.spec as {
      conditions: unknown[];
      provider: { aws: { role: string; service: string } };
    };
    expect(internal.conditions).toEqual([
      { namespaceSelector: { matchLabels: { "tenantctl.io/zone": "internal" } } },
    ]);
    expect(internal.provider.aws).toMatchObject({
      role: "arn:aws:iam::111122223333:role/acme-prod-internal-secrets",
      service: "SecretsManager",
    });
  });
});
