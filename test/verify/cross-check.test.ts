import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toYaml } from "../../src/render/serialize.js";
import { writeRendered } from "../../src/render/write.js";
import { canonicalConnectivity } from "../../src/verify/network/connectivity.js";
import { platformEndpoints, workloadEndpoints } from "../../src/verify/network/endpoints.js";
import { resolve } from "../../src/model/resolve.js";
import { namespaceOwners } from "../../src/verify/ownership.js";
import { render } from "../../src/render/render.js";
import { differences, ourConnectivity } from "../support/connectivity.js";
import { validSpec } from "../support/example.js";
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

  it("on the rendered example platform, with its databases and the cluster components as pods", async () => {
    const spec = validSpec();
    const model = resolve(spec);
    const objects = render(spec).map((o) => ({ ...o, object: withoutIpv6Peers(o.object) }));
    const dir = mkdtempSync(join(tmpdir(), "tenantctl-xcheck-example-"));
    await writeRendered(join(dir, "rendered"), objects);
    // netpol-analyzer knows no CloudNativePG clusters and the cluster's own components are
    // not in the manifests: both tools get them as Pods, as verify models them.
    const extra = [
      ...workloadEndpoints(objects, namespaceOwners(model)).filter((e) => e.kind === "Cluster"),
      ...platformEndpoints(model),
    ].map((e) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: e.kind === "Cluster" ? `${e.name}-1` : e.name,
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
    expect(
      ours.some((l) => l.includes("n8n-db-1[Pod]")),
      "the database pods take part",
    ).toBe(true);
    expect(differences(ours, theirs), `tenantctl:\n${ours.join("\n")}`).toBe("");
    expect(readFileSync(join(dir, "rendered", "cluster-pods.yaml"), "utf8")).toContain("kube-dns");
  });
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
