import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { verify } from "../../src/verify/engine.js";
import type { SourcedObject } from "../../src/verify/input.js";
import { platform } from "../support/platforms.js";

/**
 * RBAC judged by who is bound: the attacks of the hardening issue, each added to the
 * example's correct rendering, must fail with the rule that names the breach.
 */
const rbac = "rbac.authorization.k8s.io/v1";
const secretsReader = (name: string, labels?: Record<string, string>): KubernetesObject => ({
  apiVersion: rbac,
  kind: "ClusterRole",
  metadata: { name, ...(labels === undefined ? {} : { labels }) },
  rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
});
const binding = (
  kind: "RoleBinding" | "ClusterRoleBinding",
  name: string,
  namespace: string | undefined,
  roleRef: { kind: string; name: string },
  subjects: Record<string, string>[],
): KubernetesObject => ({
  apiVersion: rbac,
  kind,
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
  subjects,
});

function findingsWith(extra: SourcedObject[]) {
  const { model, objects } = platform("example");
  return verify({ model, objects: [...objects, ...extra] }).findings.map((f) => `${f.rule}: ${f.message}`);
}

describe("verify judges RBAC by its subjects", () => {
  it("fails when an unlabelled ClusterRoleBinding in a tenant's directory grants the tenant's group secrets cluster-wide", () => {
    const file = "tenants/initech/platform/evil.yaml";
    const found = findingsWith([
      { file, object: secretsReader("read-secrets") },
      {
        file,
        object: binding(
          "ClusterRoleBinding",
          "initech-secrets",
          undefined,
          { kind: "ClusterRole", name: "read-secrets" },
          [{ kind: "Group", name: "initech-admins", apiGroup: "rbac.authorization.k8s.io" }],
        ),
      },
    ]);
    expect(found).toContain(
      "rbac-subject-scope: ClusterRoleBinding initech-secrets grants Group initech-admins of tenant initech rights cluster-wide, outside its namespace tenant-initech",
    );
    expect(found).toContain(
      "tenant-cluster-scoped: ClusterRoleBinding initech-secrets is cluster-scoped but sits in tenant initech's directory tenants/initech/platform/evil.yaml",
    );
  });

  it("fails when a RoleBinding in another tenant's namespace binds a tenant's group", () => {
    const found = findingsWith([
      {
        file: "tenants/umbrella/n8n/rb.yaml",
        object: binding(
          "RoleBinding",
          "let-initech-in",
          "tenant-umbrella",
          { kind: "Role", name: "tenant-viewer" },
          [{ kind: "Group", name: "initech-admins" }],
        ),
      },
    ]);
    expect(found).toContain(
      "rbac-subject-scope: RoleBinding tenant-umbrella/let-initech-in grants Group initech-admins of tenant initech rights in namespace tenant-umbrella, outside its namespace tenant-initech",
    );
  });

  it("fails when a tenant's service account is bound elsewhere, in any spelling", () => {
    const found = findingsWith([
      {
        file: "clusters/acme-prod/rb.yaml",
        object: binding("RoleBinding", "sa", "tenant-globex", { kind: "Role", name: "tenant-viewer" }, [
          { kind: "ServiceAccount", name: "n8n", namespace: "tenant-initech" },
          { kind: "User", name: "system:serviceaccount:tenant-initech:n8n" },
          { kind: "Group", name: "system:serviceaccounts:tenant-initech" },
        ]),
      },
    ]);
    expect(
      found.filter((f) => f.startsWith("rbac-subject-scope: RoleBinding tenant-globex/sa ")),
    ).toHaveLength(3);
  });

  it("fails when any binding names system:authenticated, system:unauthenticated or another broad system identity", () => {
    const subjects = [
      "system:authenticated",
      "system:unauthenticated",
      "system:serviceaccounts",
      "system:masters",
    ];
    const found = findingsWith(
      subjects.map((name, i) => ({
        file: "tenants/ops/n8n/rb.yaml",
        object: binding(
          "RoleBinding",
          `everyone-${i}`,
          "tenant-ops",
          { kind: "Role", name: "tenant-viewer" },
          [{ kind: "Group", name }],
        ),
      })),
    );
    for (const [i, name] of subjects.entries()) {
      expect(found).toContain(
        `rbac-subject-scope: RoleBinding tenant-ops/everyone-${i} binds Group ${name}: it grants in namespace tenant-ops to an identity that stands for many (every tenant included)`,
      );
    }
  });

  it("fails when a tenant is bound to an aggregated ClusterRole that picks up an escalating role", () => {
    const found = findingsWith([
      {
        file: "tenants/globex/n8n/agg.yaml",
        object: {
          apiVersion: rbac,
          kind: "ClusterRole",
          metadata: { name: "harmless" },
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate": "true" } }] },
          rules: [],
        },
      },
      {
        file: "clusters/acme-prod/escalating.yaml",
        object: {
          apiVersion: rbac,
          kind: "ClusterRole",
          metadata: { name: "escalating", labels: { "example.com/aggregate": "true" } },
          rules: [
            { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] },
          ],
        },
      },
      {
        file: "tenants/globex/n8n/rb.yaml",
        object: binding("RoleBinding", "agg", "tenant-globex", { kind: "ClusterRole", name: "harmless" }, [
          { kind: "Group", name: "globex-admins" },
        ]),
      },
    ]);
    expect(found).toContain(
      'rbac-escalation: ClusterRole /harmless (aggregating escalating) rules[0] grants "escalate" on clusterroles',
    );
  });

  it("accepts the tenant's own bindings: the pristine example has no finding", () => {
    expect(findingsWith([])).toEqual([]);
  });
});
