import { describe, expect, it } from "vitest";
import { BASELINE, LABEL, POD_SECURITY } from "../../src/model/names.js";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { exampleModel, exampleObjects } from "../support/example.js";

const objects = exampleObjects().filter((o) => o.tenant !== undefined);
const model = exampleModel();
const ofTenant = (tenant: string) => objects.filter((o) => o.tenant === tenant).map((o) => o.object);
const find = (tenant: string, kind: string, name?: string): KubernetesObject => {
  const found = ofTenant(tenant).find(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ""} for ${tenant}`);
  return found;
};

describe("tenant isolation baseline", () => {
  it("labels every object with its owner, tenant and zone", () => {
    for (const { object, tenant } of objects) {
      const labels = object.metadata.labels ?? {};
      expect(labels[LABEL.managedBy], `${object.kind}/${object.metadata.name}`).toBe("tenantctl");
      expect(labels[LABEL.tenant]).toBe(tenant);
      expect(labels[LABEL.zone]).toBe(model.tenants.find((t) => t.name === tenant)?.zone.name);
    }
  });

  it("puts every namespaced object in its own tenant's namespace", () => {
    for (const { object, tenant } of objects) {
      if (object.kind === "Namespace") continue;
      expect(object.metadata.namespace).toBe(model.tenants.find((t) => t.name === tenant)?.namespace);
    }
  });

  it("gives every tenant a namespace of its own under Pod Security restricted, pinned to the cluster version", () => {
    const namespaces = new Set<string>();
    for (const tenant of model.tenants) {
      const ns = find(tenant.name, "Namespace");
      const labels = ns.metadata.labels ?? {};
      for (const mode of ["enforce", "audit", "warn"] as const) {
        expect(labels[POD_SECURITY[mode]]).toBe("restricted");
        expect(labels[POD_SECURITY[`${mode}Version`]]).toBe("v1.34");
      }
      namespaces.add(ns.metadata.name);
    }
    expect(namespaces.size).toBe(model.tenants.length);
  });

  it("keeps the user's labels on the namespace without letting them replace tenantctl's", () => {
    const labels = find("umbrella", "Namespace").metadata.labels ?? {};
    expect(labels["cost-center"]).toBe("cc-4711");
    expect(labels[LABEL.tenant]).toBe("umbrella");
  });

  it("quotas every tenant, with no load balancers and no node ports", () => {
    for (const tenant of model.tenants) {
      const hard = (find(tenant.name, "ResourceQuota").spec as { hard: Record<string, string> }).hard;
      expect(hard["services.loadbalancers"]).toBe("0");
      expect(hard["services.nodeports"]).toBe("0");
      for (const key of [
        "requests.cpu",
        "requests.memory",
        "limits.cpu",
        "limits.memory",
        "requests.storage",
        "pods",
      ]) {
        expect(hard[key], key).toMatch(/^\d/);
      }
      expect(find(tenant.name, "LimitRange").spec).toHaveProperty("limits");
    }
  });

  it("denies all ingress and egress to every pod, and allows only DNS to kube-dns", () => {
    for (const tenant of model.tenants) {
      const deny = find(tenant.name, "NetworkPolicy", BASELINE.defaultDeny).spec as Record<string, unknown>;
      expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      const dns = find(tenant.name, "NetworkPolicy", BASELINE.allowDns).spec as {
        policyTypes: string[];
        egress: { to: unknown[]; ports: { port: number }[] }[];
      };
      expect(dns.policyTypes).toEqual(["Egress"]);
      expect(dns.egress).toHaveLength(1);
      expect(dns.egress[0]?.ports.every((p) => p.port === 53)).toBe(true);
      expect(JSON.stringify(dns.egress[0]?.to)).toContain("kube-dns");
    }
  });

  describe("RBAC", () => {
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
    const rules = (tenant: string, role: string) =>
      (find(tenant, "Role", role) as unknown as { rules: Rule[] }).rules;
    const grants = (rs: Rule[], resource: string, verb: string) =>
      rs.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));

    it("lets the tenant admin run its workloads and read its own secrets", () => {
      const admin = rules("globex", BASELINE.adminRole);
      for (const resource of ["deployments", "statefulsets", "configmaps", "services", "ingresses", "jobs"]) {
        expect(grants(admin, resource, "create"), resource).toBe(true);
      }
      expect(grants(admin, "pods/log", "get")).toBe(true);
      expect(grants(admin, "secrets", "get")).toBe(true);
      expect(grants(admin, "secrets", "create")).toBe(false);
    });

    it("never lets the tenant admin change what isolates it", () => {
      const admin = rules("globex", BASELINE.adminRole);
      for (const resource of ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"]) {
        for (const verb of ["create", "update", "patch", "delete", "deletecollection"]) {
          expect(grants(admin, resource, verb), `${verb} ${resource}`).toBe(false);
        }
      }
    });

    it("grants no wildcard, escalate, bind or impersonate to anyone", () => {
      for (const tenant of model.tenants) {
        for (const role of [BASELINE.adminRole, BASELINE.viewerRole]) {
          for (const rule of rules(tenant.name, role)) {
            expect(rule.verbs).not.toContain("*");
            expect(rule.resources).not.toContain("*");
            expect(rule.apiGroups).not.toContain("*");
            for (const verb of ["escalate", "bind", "impersonate"]) expect(rule.verbs).not.toContain(verb);
          }
        }
      }
    });

    it("gives viewers read access only, and no secrets", () => {
      for (const rule of rules("initech", BASELINE.viewerRole)) {
        expect(rule.verbs).toEqual(["get", "list", "watch"]);
        expect(rule.resources).not.toContain("secrets");
      }
    });

    it("binds the roles to the tenant's groups only", () => {
      const binding = find("initech", "RoleBinding", BASELINE.adminRole) as unknown as {
        subjects: { kind: string; name: string }[];
        roleRef: { kind: string };
      };
      expect(binding.roleRef.kind).toBe("Role");
      expect(binding.subjects).toEqual([
        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "initech-admins" },
      ]);
      const viewers = find("initech", "RoleBinding", BASELINE.viewerRole) as unknown as {
        subjects: { name: string }[];
      };
      expect(viewers.subjects.map((s) => s.name)).toEqual(["initech-auditors"]);
    });

    it("renders no viewer binding for a tenant without viewers", () => {
      expect(
        ofTenant("ops").some((o) => o.kind === "RoleBinding" && o.metadata.name === BASELINE.viewerRole),
      ).toBe(false);
    });
  });
});
