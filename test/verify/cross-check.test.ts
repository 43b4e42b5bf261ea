import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { KubeClient } from "../../src/deploy/kube-client.js";
import { toYaml } from "../../src/manifest/serialize.js";
import { writeRendered } from "../../src/render/write.js";
import { canonicalConnectivity } from "../../src/verify/network/connectivity.js";
import { OPERATED_KINDS, platformEndpoints, workloadEndpoints } from "../../src/verify/network/endpoints.js";
import { resolve } from "../../src/model/resolve.js";
import { namespaceOwners } from "../../src/verify/ownership.js";
import { render } from "../../src/render/render.js";
import { differences, ourConnectivity } from "../support/connectivity.js";
import { validSpec } from "../support/example.js";
import { PLATFORMS } from "../support/platforms.js";
import { netpolicyConnectivity } from "../support/netpol-analyzer.js";

/**
 * verify's reachability against np-guard's netpol-analyzer, an independent implementation
 * of the same Kubernetes semantics: both read the same directory, and their connectivity
 * lists, address ranges merged canonically, must be equal line for line.
 */
const FIXTURES = join(import.meta.dirname, "fixtures");

async function compare(dir: string): Promise<{ ours: string[]; theirs: string[] }> {
  const [ours, theirs] = await Promise.all([ourConnectivity(dir), netpolicyConnectivity(dir)]);
  return { ours: canonicalConnectivity(ours), theirs: canonicalConnectivity(theirs) };
}

describe("connectivity agrees exactly with netpol-analyzer", () => {
  const fixtures = readdirSync(FIXTURES)
    .filter((f) => /^\d+-.*\.yaml$/.test(f))
    .sort();

  it("has at least 20 adversarial fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  for (const fixture of fixtures) {
    it(fixture.replace(/\.yaml$/, ""), async () => {
      const dir = mkdtempSync(join(tmpdir(), "tenantctl-xcheck-"));
      cpSync(join(FIXTURES, "world.yaml"), join(dir, "world.yaml"));
      cpSync(join(FIXTURES, fixture), join(dir, "policies.yaml"));
      const { ours, theirs } = await compare(dir);
      expect(ours.length, "the fixture allows some traffic").toBeGreaterThan(0);
      expect(
        differences(ours, theirs),
        `tenantctl:\n${ours.join("\n")}\n\nnetpol-analyzer:\n${theirs.join("\n")}`,
      ).toBe("");
    });
  }

  for (const [name, dataPods] of [
    ["example", ["n8n-db-1[Pod]"]],
    ["products", ["shop-db-1[Pod]", "shop-db-pooler-1[Pod]", "shop-mq-1[Pod]", "shared-rabbitmq-1[Pod]"]],
  ] as const) {
    it(`on the rendered ${name} platform, with its data servers and the cluster components as pods`, async () => {
      const spec = validSpec(PLATFORMS.find((p) => p.name === name)?.text());
      const model = resolve(spec);
      const objects = render(spec).map((o) => ({ ...o, object: withoutIpv6Peers(o.object) }));
      const dir = mkdtempSync(join(tmpdir(), `tenantctl-xcheck-${name}-`));
      await writeRendered(join(dir, "rendered"), objects);
      // netpol-analyzer knows no operators' custom resources (CloudNativePG clusters and poolers,
      // RabbitMQ clusters), and the cluster's own components are not in the manifests: both
      // tools get them as Pods, as verify models them.
      const extra = [
        ...workloadEndpoints(objects, namespaceOwners(model)).filter((e) => OPERATED_KINDS.includes(e.kind)),
        ...platformEndpoints(model),
      ].map((e) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: OPERATED_KINDS.includes(e.kind) ? `${e.name}-1` : e.name,
          namespace: e.namespace,
          labels: e.labels,
        },
        spec: {
          containers: [
            {
              name: "main",
              image: "example/pod:1",
              ports: e.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
            },
          ],
        },
      }));
      writeFileSync(
        join(dir, "rendered", "cluster-pods.yaml"),
        extra.map((o) => toYaml(o as never)).join("---\n"),
      );
      const { ours, theirs } = await compare(join(dir, "rendered"));
      for (const pod of dataPods)
        expect(
          ours.some((l) => l.includes(pod)),
          `${pod} takes part`,
        ).toBe(true);
      expect(differences(ours, theirs), `tenantctl:\n${ours.join("\n")}`).toBe("");
      expect(readFileSync(join(dir, "rendered", "cluster-pods.yaml"), "utf8")).toContain("kube-dns");
    });
  }
});

/** Drops `::/…` ipBlock peers that sit beside others (netpol-analyzer reads IPv6 as IPv4). */
function withoutIpv6Peers<T>(object: T): T {
  const o = structuredClone(object) as {
    kind?: string;
    spec?: Record<string, { to?: unknown[]; from?: unknown[] }[]>;
  };
  if (o.kind !== "NetworkPolicy" || o.spec === undefined) return object;
  for (const direction of ["ingress", "egress"] as const) {
    for (const rule of o.spec[direction] ?? []) {
      for (const key of ["to", "from"] as const) {
        const peers = rule[key] as { ipBlock?: { cidr: string } }[] | undefined;
        if (peers === undefined) continue;
        const kept = peers.filter((p) => !p.ipBlock?.cidr.includes(":"));
        if (kept.length > 0) rule[key] = kept;
      }
    }
  }
  return o as T;
}

/**
 * Where netpol-analyzer v1.4.4 is known to be wrong, the two answers must differ exactly so,
 * and the API server (what it stores) says which answer is the cluster's.
 */
const KNOWN_DIFFERENCES: { fixture: string; reason: string; difference: string[] }[] = [
  {
    fixture: "port-range-overlap",
    reason:
      "netpol-analyzer loses an egress port range that starts inside the peer's ingress range and ends past it",
    difference: [
      "only tenantctl:        ns-a/web[Deployment] => ns-b/web[Deployment] : TCP 8050-8099",
      "only tenantctl:        ns-a/web[Deployment] => ns-b/worker[Deployment] : TCP 8050-8099",
    ],
  },
  {
    fixture: "hand-set-namespace-name",
    reason:
      "netpol-analyzer honours a hand-set kubernetes.io/metadata.name label, which the API server overwrites",
    difference: [
      "only netpol-analyzer:  ns-c/dns[Deployment] => ns-b/web[Deployment] : All Connections",
      "only netpol-analyzer:  ns-c/dns[Deployment] => ns-b/worker[Deployment] : All Connections",
      "only netpol-analyzer:  ns-c/probe[Deployment] => ns-b/web[Deployment] : All Connections",
      "only netpol-analyzer:  ns-c/probe[Deployment] => ns-b/worker[Deployment] : All Connections",
    ],
  },
  {
    fixture: "ipv6-as-ipv4",
    reason: "netpol-analyzer reads an IPv6 CIDR as IPv4 addresses",
    difference: ["only netpol-analyzer:  ns-a/web[Deployment] => 32.1.13.184-32.1.13.184 : All Connections"],
  },
];

describe("known netpol-analyzer defects: the answers differ exactly there, and the API server sides with verify", () => {
  const admin = KubeClient.fromKubeconfig({ kubeconfig: inject("kubeconfig") });
  afterAll(() => admin.close());

  for (const known of KNOWN_DIFFERENCES) {
    it(`${known.fixture}: ${known.reason}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "tenantctl-known-"));
      const text = readFileSync(join(FIXTURES, "known-differences", `${known.fixture}.yaml`), "utf8");
      let world = readFileSync(join(FIXTURES, "world.yaml"), "utf8");
      // A fixture that declares a namespace replaces the world's.
      for (const [, name] of text.matchAll(/kind: Namespace\nmetadata:\n {2}name: (\S+)/g))
        world = world.replace(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n---\n`, "");
      writeFileSync(join(dir, "world.yaml"), world);
      writeFileSync(join(dir, "policies.yaml"), text);
      const { ours, theirs } = await compare(dir);
      expect(differences(ours, theirs).split("\n")).toEqual(known.difference);
    });
  }

  it("the API server overwrites a hand-set kubernetes.io/metadata.name and keeps IPv6 CIDRs and port ranges as written", async () => {
    const ns = `known-${Date.now().toString(36)}`;
    const created = await admin.call<{ metadata: { labels: Record<string, string> } }>(
      "POST",
      "/api/v1/namespaces",
      {
        body: { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": "ns-b" } } },
      },
    );
    expect(created.body.metadata.labels["kubernetes.io/metadata.name"]).toBe(ns);
    const stored = await admin.call<{
      spec: { egress: { to: { ipBlock: { cidr: string } }[]; ports?: unknown[] }[] };
    }>("POST", `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, {
      body: {
        metadata: { name: "known" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "2001:db8::/32" } }], ports: [{ port: 8050, endPort: 8150 }] }],
        },
      },
    });
    expect(stored.body.spec.egress[0]?.to[0]?.ipBlock.cidr).toBe("2001:db8::/32");
    expect(stored.body.spec.egress[0]?.ports).toEqual([{ protocol: "TCP", port: 8050, endPort: 8150 }]);
    await admin.call("DELETE", `/api/v1/namespaces/${ns}`);
  });
});
