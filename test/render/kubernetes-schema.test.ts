import { describe, expect, it } from "vitest";
import { schemaErrors } from "../support/kubernetes-schema.js";
import { platform } from "../support/platforms.js";

describe("rendered objects against the Kubernetes 1.34 OpenAPI schemas and upstream CRDs", () => {
  for (const name of ["example", "shared-services", "products"] as const) {
    it(`are all valid for the ${name} platform`, async () => {
      const { objects } = platform(name);
      const errors = (await Promise.all(objects.map(({ object }) => schemaErrors(object)))).flat();
      expect(objects.length).toBeGreaterThan(20);
      expect(errors).toEqual([]);
    });
  }

  it("fails when an object breaks its schema (the check can fail)", async () => {
    const errors = await schemaErrors({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "broken" },
      spec: { hard: "pods=3", scopes: "Terminating" },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ResourceQuota\/broken/);
  });
});

describe("custom resources against their upstream schemas", () => {
  const cluster = {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: "db", namespace: "t" },
    spec: { instances: 1, storage: { size: "1Gi" } },
  };

  it("accepts a valid CloudNativePG Cluster (the check passes what it should)", async () => {
    expect(await schemaErrors(cluster)).toEqual([]);
  });

  it("fails when a CloudNativePG Cluster has a misspelt field (strict, as the API server)", async () => {
    const errors = await schemaErrors({ ...cluster, spec: { ...cluster.spec, instancess: 2 } });
    expect(errors.join()).toMatch(/additional properties/);
  });

  it("fails when a RabbitmqCluster or a topology User breaks the operators' CRDs (vendored, strict)", async () => {
    const cluster = { apiVersion: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster", metadata: { name: "mq" } };
    expect(await schemaErrors({ ...cluster, spec: { replicas: 1 } })).toEqual([]);
    expect((await schemaErrors({ ...cluster, spec: { replicass: 1 } })).join()).toMatch(
      /additional properties/,
    );
    const user = { apiVersion: "rabbitmq.com/v1beta1", kind: "User", metadata: { name: "u" } };
    expect(
      await schemaErrors({ ...user, spec: { rabbitmqClusterReference: { name: "mq" }, tags: ["root"] } }),
    ).toHaveLength(1);
  });

  it("fails when a KEDA ScaledObject has a wrong type", async () => {
    const errors = await schemaErrors({
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "w" },
      spec: { scaleTargetRef: { name: "x" }, maxReplicaCount: "ten", triggers: [] },
    });
    expect(errors).toHaveLength(1);
  });

  it("fails when an ExternalSecret misses its store reference type", async () => {
    const errors = await schemaErrors({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "s" },
      spec: { data: [{ secretKey: 5, remoteRef: { key: "a" } }] },
    });
    expect(errors).toHaveLength(1);
  });
});
