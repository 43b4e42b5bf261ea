import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { verify } from "../../src/verify/engine.js";
import type { SourcedObject } from "../../src/verify/input.js";
import { editableCopy, push, set } from "../support/manifest-edit.js";
import { type PlatformName, platform } from "../support/platforms.js";

/**
 * Mutation tests: a correct rendering, broken one way at a time. Exactly the expected rule
 * must fire, and every finding must name the broken object's file.
 */
type Change = (find: (file: string) => KubernetesObject, objects: readonly SourcedObject[]) => void;

function mutated(name: PlatformName, change: Change, remove?: string) {
  const { model, objects } = platform(name);
  const { objects: copy, find } = editableCopy(objects);
  change(find, copy);
  return verify({ model, objects: copy.filter((o) => o.file !== remove) });
}

const NP = (tenant: string, name: string) => `tenants/${tenant}/platform/networkpolicy-${name}.yaml`;
const OBS = (file: string) => `clusters/acme-prod/observability/${file}.yaml`;
/** Edits the text of a tenant's Grafana datasources file, as a hand in Git would. */
function editDatasources(
  find: (file: string) => KubernetesObject,
  tenant: string,
  from: string,
  to: string,
): void {
  const cm = find(OBS(`configmap-grafana-${tenant}-provisioning`)) as unknown as {
    data: Record<string, string>;
  };
  const text = cm.data["datasources.yaml"] ?? "";
  if (!text.includes(from)) throw new Error(`${tenant}'s datasources hold no ${from}`);
  cm.data["datasources.yaml"] = text.replace(from, to);
}
const N8N = (tenant: string, file: string) => `tenants/${tenant}/n8n/${file}.yaml`;
const n8nPods = { matchLabels: { "app.kubernetes.io/name": "n8n" } };

const MUTATIONS: {
  name: string;
  platform?: PlatformName;
  rule: string;
  /**
   * Rules that must fire too, because pods get VPC addresses (EKS VPC CNI): a pod whose egress
   * reaches the VPC reaches every pod that admits the VPC (the load balancer's rule), and an
   * opened pod is reached by every VPC egress rule of other tenants (RDS, backups).
   */
  alsoRules?: string[];
  file: string;
  change: Change;
  remove?: string;
}[] = [
  {
    name: "delete a tenant's default deny",
    rule: "default-deny-missing",
    file: "tenants/initech/platform/namespace-tenant-initech.yaml",
    change: () => undefined,
    remove: NP("initech", "default-deny-all"),
  },
  {
    name: "widen the namespaceSelector of a Redis allowance to every namespace",
    rule: "data-service-exposed",
    file: NP("initech", "allow-redis"),
    change: (find) => {
      set(find(NP("initech", "allow-redis")), "spec.ingress.0.from.0", {
        namespaceSelector: {},
        podSelector: n8nPods,
      });
    },
  },
  {
    name: "give an internal tenant egress to 0.0.0.0/0",
    rule: "internal-zone-egress",
    alsoRules: ["cross-tenant-traffic", "metadata-service-egress"],
    file: NP("ops", "allow-n8n-to-internet"),
    change: (find) => {
      push(find(NP("ops", "allow-n8n-to-internet")), "spec.egress", {
        to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
      });
    },
  },
  {
    name: "bind cluster-admin",
    rule: "rbac-admin-binding",
    file: "tenants/ops/platform/rolebinding-tenant-admin.yaml",
    change: (find) => {
      set(find("tenants/ops/platform/rolebinding-tenant-admin.yaml"), "roleRef", {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "cluster-admin",
      });
    },
  },
  {
    name: "put a literal password in env",
    rule: "secret-literal",
    file: N8N("umbrella", "deployment-n8n-worker"),
    change: (find) => {
      push(find(N8N("umbrella", "deployment-n8n-worker")), "spec.template.spec.containers.0.env", {
        name: "DB_POSTGRESDB_PASSWORD",
        value: "hunter2",
      });
    },
  },
  {
    name: "let a shared pod tolerate a dedicated taint",
    rule: "dedicated-scheduling",
    file: N8N("initech", "deployment-n8n-webhook"),
    change: (find) => {
      set(find(N8N("initech", "deployment-n8n-webhook")), "spec.template.spec.tolerations", [
        { key: "tenantctl.io/node-pool", operator: "Exists", effect: "NoSchedule" },
      ]);
    },
  },
  {
    name: "open both sides between two tenants",
    rule: "cross-tenant-traffic",
    file: NP("umbrella", "allow-n8n-to-data"),
    change: (find) => {
      // umbrella's n8n may send to every n8n pod, and initech's main admits every n8n pod.
      push(find(NP("umbrella", "allow-n8n-to-data")), "spec.egress", {
        to: [{ namespaceSelector: {}, podSelector: n8nPods }],
      });
      push(find(NP("initech", "allow-ingress-to-n8n")), "spec.ingress", {
        from: [{ namespaceSelector: {}, podSelector: n8nPods }],
      });
    },
  },
  {
    name: "let a role escalate",
    rule: "rbac-escalation",
    file: "tenants/globex/platform/role-tenant-admin.yaml",
    change: (find) => {
      push(find("tenants/globex/platform/role-tenant-admin.yaml"), "rules", {
        apiGroups: ["rbac.authorization.k8s.io"],
        resources: ["roles"],
        verbs: ["escalate", "bind"],
      });
    },
  },
  {
    name: "read another tenant's secret path",
    rule: "external-secret-scope",
    file: N8N("umbrella", "externalsecret-n8n-encryption-key"),
    change: (find) => {
      set(
        find(N8N("umbrella", "externalsecret-n8n-encryption-key")),
        "spec.data.0.remoteRef.key",
        "external/initech/core",
      );
    },
  },
  {
    name: "let a tenant's Argo CD project deploy anywhere",
    rule: "argocd-project-scope",
    file: "clusters/acme-prod/argocd/appproject-tenant-ops.yaml",
    change: (find) => {
      set(find("clusters/acme-prod/argocd/appproject-tenant-ops.yaml"), "spec.destinations.0.namespace", "*");
    },
  },
  {
    name: "run a container as root",
    rule: "pod-security-restricted",
    file: N8N("ops", "deployment-n8n-main"),
    change: (find) => {
      set(
        find(N8N("ops", "deployment-n8n-main")),
        "spec.template.spec.containers.0.securityContext.runAsNonRoot",
        false,
      );
    },
  },
  {
    name: "delete a tenant's quota",
    rule: "tenant-quota-missing",
    file: "tenants/umbrella/platform/namespace-tenant-umbrella.yaml",
    change: () => undefined,
    remove: "tenants/umbrella/platform/resourcequota-tenant-quota.yaml",
  },
  {
    name: "write a policy the API server would reject",
    rule: "network-policy-invalid",
    file: NP("globex", "allow-prometheus-scrape"),
    change: (find) => {
      set(
        find(NP("globex", "allow-prometheus-scrape")),
        "spec.podSelector.matchExpressions.0.operator",
        "Equals",
      );
    },
  },
  {
    name: "let a zone's shared database accept another zone's n8n",
    platform: "shared-services",
    rule: "data-service-exposed",
    file: "",
    change: (_, objects) => {
      const policy = objects.find(
        (o) =>
          o.object.kind === "NetworkPolicy" &&
          o.file.startsWith("zones/") &&
          JSON.stringify(o.object).includes("shared-db"),
      );
      if (policy === undefined) throw new Error("no shared database policy rendered");
      set(policy.object, "spec.ingress.0.from", [{ namespaceSelector: {}, podSelector: n8nPods }]);
    },
  },
  {
    name: "let a product's web component reach the tenant's PostgreSQL, Redis and RabbitMQ it never declared",
    platform: "products",
    rule: "undeclared-data-access",
    file: NP("shop-initech", "allow-database"),
    change: (find) => {
      const shopPods = { matchLabels: { "app.kubernetes.io/name": "shop" } };
      set(find(NP("shop-initech", "allow-database")), "spec.ingress.0.from.0", { podSelector: shopPods });
      set(find(NP("shop-initech", "allow-shop-worker-to-data")), "spec.podSelector", shopPods);
    },
  },
  {
    name: "open a tenant's own RabbitMQ to the product's pods of every namespace",
    platform: "products",
    rule: "data-service-exposed",
    file: NP("shop-initech", "allow-rabbitmq"),
    change: (find) => {
      set(find(NP("shop-initech", "allow-rabbitmq")), "spec.ingress.0.from.0", {
        namespaceSelector: {},
        podSelector: { matchLabels: { "app.kubernetes.io/name": "shop" } },
      });
    },
  },
  {
    name: "open the zone's shared RabbitMQ to every pod of the cluster",
    platform: "products",
    rule: "data-service-exposed",
    file: "zones/internal/networkpolicy-allow-rabbitmq.yaml",
    change: (find) => {
      push(find("zones/internal/networkpolicy-allow-rabbitmq.yaml"), "spec.ingress.0.from", {
        namespaceSelector: {},
      });
    },
  },
  {
    name: "a doctored datasource: the internal tenant's Grafana reads a customer tenant's logs too",
    rule: "observability-access",
    file: OBS("configmap-grafana-ops-provisioning"),
    change: (find) =>
      editDatasources(
        find,
        "ops",
        "httpHeaderValue1: tenant-ops",
        "httpHeaderValue1: tenant-ops|tenant-initech",
      ),
  },
  {
    name: "a Grafana's metrics datasource straight to Prometheus (every namespace's series)",
    rule: "observability-access",
    file: OBS("configmap-grafana-initech-provisioning"),
    change: (find) =>
      editDatasources(
        find,
        "initech",
        "http://prometheus-initech.observability-acme.svc.cluster.local:8080",
        "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090",
      ),
  },
  {
    name: "a tenant's metrics proxy fixed to another tenant's namespace",
    rule: "observability-access",
    file: OBS("deployment-prometheus-umbrella"),
    change: (find) => {
      set(
        find(OBS("deployment-prometheus-umbrella")),
        "spec.template.spec.containers.0.args.3",
        "-label-value=tenant-initech",
      );
    },
  },
  {
    name: "another tenant's admins let into a Grafana",
    rule: "observability-access",
    file: OBS("deployment-grafana-initech"),
    change: (find) => {
      const d = find(OBS("deployment-grafana-initech")) as unknown as {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      };
      const env = d.spec.template.spec.containers[0]?.env.find(
        (e) => e.name === "GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH",
      );
      if (env) env.value = `${env.value ?? ""} || contains(groups[*], 'ops-automation') && 'Viewer'`;
    },
  },
  {
    name: "the log agent's tenant input widened to every tenant's files (a glob)",
    rule: "observability-access",
    file: "clusters/acme-prod/addons/application-addon-fluent-bit.yaml",
    change: (find) => {
      const app = find("clusters/acme-prod/addons/application-addon-fluent-bit.yaml") as unknown as {
        spec: { source: { helm: { valuesObject: { config: { inputs: string } } } } };
      };
      const config = app.spec.source.helm.valuesObject.config;
      config.inputs = config.inputs.replace(
        "Path /var/log/containers/*_tenant-ops_*.log",
        "Path /var/log/containers/*_tenant-*_*.log",
      );
    },
  },
  {
    name: "the log agent ships a customer tenant's logs as the platform's Loki tenant",
    rule: "observability-access",
    file: "clusters/acme-prod/addons/application-addon-fluent-bit.yaml",
    change: (find) => {
      const app = find("clusters/acme-prod/addons/application-addon-fluent-bit.yaml") as unknown as {
        spec: { source: { helm: { valuesObject: { config: { outputs: string } } } } };
      };
      const config = app.spec.source.helm.valuesObject.config;
      config.outputs = config.outputs.replace("tenant_id tenant-initech", "tenant_id platform");
    },
  },
];

describe("verify: the rendered platforms hold", () => {
  for (const name of ["example", "shared-services", "products"] as const) {
    it(`${name}: no finding, every tenant reaches only itself`, () => {
      const report = verify(platform(name));
      expect(report.findings).toEqual([]);
      expect(report.matrix.cells.every(([from, to]) => from === to)).toBe(true);
      expect(report.stats.flows).toBeGreaterThan(0);
    });
  }
});

describe("verify: each mutation fires exactly its rule, on the broken object", () => {
  for (const m of MUTATIONS) {
    it(m.name, () => {
      const report = mutated(m.platform ?? "example", m.change, m.remove);
      const rules = [...new Set(report.findings.map((f) => f.rule))].sort();
      expect(rules, report.findings.map((f) => `${f.rule}: ${f.message}`).join("\n")).toEqual(
        [m.rule, ...(m.alsoRules ?? [])].sort(),
      );
      if (m.file !== "")
        expect(
          report.findings.filter((f) => f.rule === m.rule).flatMap((f) => f.objects.map((o) => o.file)),
        ).toContain(m.file);
      for (const f of report.findings) expect(f.fix.length).toBeGreaterThan(10);
      expect(report.stats.errors).toBe(report.findings.length);
    });
  }
});
