import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { waveOf } from "../../src/manifest/waves.js";
import { resolve } from "../../src/model/resolve.js";
import { renderModel } from "../../src/render/render.js";
import { verify } from "../../src/verify/engine.js";
import { podSpecOf } from "../../src/verify/workloads.js";
import { validSpec } from "../support/example.js";
import { findObject, renderedGolden } from "../support/golden-render.js";

const { model, objects, of } = renderedGolden("upgrade");
const find = findObject;
const images = (o: KubernetesObject) =>
  ((podSpecOf(o)?.containers ?? []) as { image?: string }[]).map((c) => c.image);

describe("a version change staged in the cluster (upgradeFrom)", () => {
  const canary = of("upg-canary");
  const backup = find(canary, "Backup", "n8n-db-before-n8n-2-41-1");
  const database = find(canary, "Cluster", "n8n-db");
  const main = find(canary, "Deployment", "n8n-main");
  const stopped = ["n8n-worker", "n8n-webhook"].map((n) => find(canary, "Deployment", n));

  it("backs up the database after it exists and before anything moves", () => {
    expect(backup.spec).toEqual({ cluster: { name: "n8n-db" }, method: "barmanObjectStore" });
    expect(waveOf(backup)).toBeGreaterThan(waveOf(database) ?? 0);
    for (const o of [main, ...stopped]) expect(waveOf(backup)).toBeLessThan(waveOf(o) ?? 0);
  });

  it("stops the workers and webhook processors, autoscaler paused at zero, before main moves alone", () => {
    for (const d of stopped) {
      expect((d.spec as { replicas: number }).replicas, d.metadata.name).toBe(0);
      expect(waveOf(d)).toBeLessThan(waveOf(main) ?? 0);
    }
    const scaler = find(canary, "ScaledObject", "n8n-worker");
    expect(scaler.metadata.annotations?.["autoscaling.keda.sh/paused-replicas"]).toBe("0");
    expect(waveOf(scaler)).toBe(waveOf(stopped[0] as KubernetesObject));
    expect((main.spec as { replicas: number }).replicas).toBe(1);
    // Nothing else of the tenant's product starts after main: the stack's other workloads are all stopped.
    const later = canary.filter((o) => (waveOf(o) ?? 0) > (waveOf(main) ?? 0) && podSpecOf(o) !== undefined);
    expect(later).toEqual([]);
  });

  it("runs one release in every n8n container, stopped or not", () => {
    const all = [main, ...stopped].flatMap(images);
    expect(new Set(all.map((i) => i?.split(":").at(-1)))).toEqual(new Set(["2.41.1"]));
  });

  it("leaves the tenants that are not moving as they were: no backup, workloads in the app wave", () => {
    for (const tenant of ["upg-ops", "upg-later"]) {
      const list = of(tenant);
      expect(
        list.some((o) => o.kind === "Backup"),
        tenant,
      ).toBe(false);
      expect(waveOf(find(list, "Deployment", "n8n-main"))).toBe(
        waveOf(find(list, "Deployment", "n8n-worker")),
      );
      expect(find(list, "ScaledObject", "n8n-worker").metadata.annotations).not.toHaveProperty(
        "autoscaling.keda.sh/paused-replicas",
      );
    }
  });

  it("keeps the staged platform free of isolation errors", () => {
    const errors = verify({
      model,
      objects: objects.map(({ file, object }) => ({ file, object })),
    }).findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });

  it("finds a hand-edited worker left on the old release (mixed-release), but not one held at zero", () => {
    const doctored = objects.map(({ file, object }) => {
      if (
        object.metadata.namespace !== "tenant-upg-ops" ||
        object.metadata.name !== "n8n-worker" ||
        object.kind !== "Deployment"
      )
        return { file, object };
      const text = JSON.stringify(object).replaceAll("n8nio/n8n:2.41.1", "n8nio/n8n:1.123.81");
      return { file, object: JSON.parse(text) as KubernetesObject };
    });
    const found = verify({ model, objects: doctored }).findings.filter((f) => f.rule === "mixed-release");
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^Deployment tenant-upg-ops\/n8n-worker runs docker.n8n.io\/n8nio\/n8n:1.123.81 \(container n8n\); upg-ops's n8n.version is 2.41.1$/,
      ),
    ]);
    const untouched = verify({
      model,
      objects: objects.map(({ file, object }) => ({ file, object })),
    }).findings;
    expect(untouched.filter((f) => f.rule === "mixed-release")).toEqual([]);
  });
});

describe("a restore in the cluster (database.restore)", () => {
  const text = readFileSync(
    fileURLToPath(new URL("../golden/restore/platform.yaml", import.meta.url)),
    "utf8",
  );
  const restoredModel = resolve(validSpec(text));
  const rendered = renderModel(restoredModel);
  const list = rendered.map((o) => o.object);

  it("bootstraps generation 2 from generation 1's archive in the tenant's own prefix, and points n8n at it", () => {
    const cluster = find(list, "Cluster", "n8n-db-g2");
    const spec = cluster.spec as {
      bootstrap: { recovery: { source: string; recoveryTarget: unknown } };
      externalClusters: {
        name: string;
        barmanObjectStore: { destinationPath: string; serverName: string };
      }[];
      backup: { barmanObjectStore: { destinationPath: string } };
    };
    expect(spec.bootstrap.recovery.source).toBe("n8n-db");
    expect(spec.bootstrap.recovery.recoveryTarget).toEqual({ targetTime: "2026-12-01T05:00:00Z" });
    expect(spec.externalClusters).toHaveLength(1);
    // Read from the tenant's own prefix (the previous server's path in it); the new one archives beside it.
    expect(spec.externalClusters[0]?.barmanObjectStore.destinationPath).toBe(
      spec.backup.barmanObjectStore.destinationPath,
    );
    expect(spec.externalClusters[0]?.barmanObjectStore.serverName).toBe("n8n-db");
    expect(list.some((o) => o.kind === "Cluster" && o.metadata.name === "n8n-db")).toBe(false);
    const env = JSON.stringify(podSpecOf(find(list, "Deployment", "n8n-main")));
    expect(env).toContain("n8n-db-g2-rw.tenant-rst-acme.svc.cluster.local");
    expect(env).not.toMatch(/n8n-db-rw/);
  });

  it("keeps the restored platform free of isolation errors", () => {
    const errors = verify({
      model: restoredModel,
      objects: rendered.map(({ file, object }) => ({ file, object })),
    }).findings.filter((f) => f.severity === "error");
    expect(errors).toEqual([]);
  });
});
