import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { verify } from "../../src/verify/engine.js";
import type { SourcedObject } from "../../src/verify/input.js";
import { parsePolicies } from "../../src/verify/network/policies.js";
import { validSpec } from "../support/example.js";
import { platform } from "../support/platforms.js";

/** NetworkPolicy semantics as the API server stores them, and what verify says it does not model. */
const policy = (spec: Record<string, unknown>): SourcedObject => ({
  file: "p.yaml",
  object: {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "p", namespace: "n" },
    spec,
  },
});

function findingsWith(extra: SourcedObject[]) {
  const { model, objects } = platform("example");
  return verify({ model, objects: [...objects, ...extra] }).findings.map(
    (f) => `${f.severity} ${f.rule}: ${f.message}`,
  );
}

describe("NetworkPolicy defaulting as the API server does it", () => {
  it("does not isolate egress for `egress: []` without policyTypes (Egress is added only for a non-empty list)", () => {
    const [parsed] = parsePolicies([policy({ podSelector: {}, egress: [] })]).policies;
    expect(parsed?.ingress).toEqual([]);
    expect(parsed?.egress).toBeUndefined();
  });

  it("defaults `policyTypes: []` like a missing field", () => {
    const [parsed] = parsePolicies([policy({ podSelector: {}, policyTypes: [], egress: [{}] })]).policies;
    expect(parsed?.ingress).toEqual([]);
    expect(parsed?.egress).toHaveLength(1);
  });

  it("fails when an except equals its cidr, which the API server refuses", () => {
    const { policies, problems } = parsePolicies([
      policy({
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }] }],
      }),
    ]);
    expect(policies).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      '"10.0.0.0/8" is not a strict subset of "10.0.0.0/8" (the API server refuses an except equal to or outside its cidr)',
    ]);
  });
});

describe("verify names the instance metadata service and what it does not model", () => {
  it("fails when a tenant pod may reach 169.254.169.254", () => {
    const found = findingsWith([
      {
        file: "tenants/umbrella/n8n/imds.yaml",
        object: {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "imds", namespace: "tenant-umbrella" },
          spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "169.254.169.254/32" } }] }],
          },
        },
      },
    ]);
    expect(found.filter((f) => f.startsWith("error metadata-service-egress:")).length).toBeGreaterThan(0);
    expect(
      found.some((f) =>
        f.includes("tenant-umbrella/n8n-main[Deployment] can reach the instance metadata service"),
      ),
    ).toBe(true);
  });

  it("warns by name about AdminNetworkPolicy, BaselineAdminNetworkPolicy and hostNetwork pods", () => {
    const anp = (kind: string): SourcedObject => ({
      file: "clusters/acme-prod/anp.yaml",
      object: {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind,
        metadata: { name: "allow-all" },
        spec: {},
      },
    });
    const hostPod: KubernetesObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "sniffer", namespace: "tenant-ops" },
      spec: {
        selector: { matchLabels: { a: "b" } },
        template: { metadata: { labels: { a: "b" } }, spec: { hostNetwork: true, containers: [] } },
      },
    };
    const found = findingsWith([
      anp("AdminNetworkPolicy"),
      anp("BaselineAdminNetworkPolicy"),
      { file: "tenants/ops/n8n/s.yaml", object: hostPod },
    ]);
    expect(found).toContain(
      "warning network-not-modelled: AdminNetworkPolicy allow-all is not modelled: the connectivity verify reports ignores it",
    );
    expect(found).toContain(
      "warning network-not-modelled: BaselineAdminNetworkPolicy allow-all is not modelled: the connectivity verify reports ignores it",
    );
    expect(found).toContain(
      "warning network-not-modelled: Deployment tenant-ops/sniffer runs on the host network: NetworkPolicies do not confine it, and verify does not model it",
    );
  });
});

/** umbrella's pods may send to `cidr` on n8n's port. */
const vpcEgress = (cidr: string): SourcedObject => ({
  file: "tenants/umbrella/n8n/vpc.yaml",
  object: {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "to-vpc", namespace: "tenant-umbrella" },
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ port: 5678 }] }],
    },
  },
});

describe("ipBlocks of the pod address range match pods (EKS VPC CNI)", () => {
  it("fails when a tenant's egress to the VPC meets another tenant's ingress from the VPC (the load balancer's rule)", () => {
    const found = findingsWith([vpcEgress("10.0.0.0/16")]);
    expect(
      found.some((f) =>
        /^error cross-tenant-traffic: tenant-umbrella\/n8n-\w+\[Deployment\] \(tenant umbrella\) can connect to tenant-initech\/n8n-main/.test(
          f,
        ),
      ),
    ).toBe(true);
  });

  it("finds nothing when the range holds no pod address", () => {
    expect(findingsWith([vpcEgress("192.0.2.0/24")]).filter((f) => f.startsWith("error"))).toEqual([]);
  });
});

describe("load balancer and database subnets apart from the pods close the VPC paths", () => {
  it("finds no cross-tenant path through the load balancer's rule when its subnets hold no pod", () => {
    const text = readFileSync(
      fileURLToPath(new URL("../../examples/platform.yaml", import.meta.url)),
      "utf8",
    ).replace(
      '  awsAccountId: "111122223333"',
      '  awsAccountId: "111122223333"\n  podCidr: 10.0.0.0/17\n  loadBalancerSubnets: [10.0.200.0/24, 10.0.201.0/24]\n  databaseSubnets: [10.0.210.0/24]',
    );
    const model = resolve(validSpec(text));
    const objects = renderModel(model).map(({ file, object }) => ({ file, object }));
    const egress = vpcEgress("10.0.0.0/16");
    const findings = verify({ model, objects: [...objects, egress] }).findings.filter(
      (f) => f.rule === "cross-tenant-traffic",
    );
    expect(findings).toEqual([]);
    const ingress = objects.find(
      (o) => o.file === "tenants/initech/platform/networkpolicy-allow-ingress-to-n8n.yaml",
    );
    expect(JSON.stringify(ingress?.object)).toContain("10.0.200.0/24");
  });
});
