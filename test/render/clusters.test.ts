import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveClusters } from "../../src/model/resolve-clusters.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { render, renderModel } from "../../src/render/render.js";
import type { Platform } from "../../src/input/schema.js";
import { renderLikeArgoCd } from "../support/appset-template.js";

const CLUSTERS_SPEC = new URL("../../examples/clusters.yaml", import.meta.url);
const text = readFileSync(CLUSTERS_SPEC, "utf8");

function valid(t: string): Platform {
  const result = validateSpecText(t, "platform.yaml");
  if (result.spec === undefined) throw new Error(JSON.stringify(result.diagnostics));
  return result.spec;
}

interface Synced {
  syncPolicy?: { automated?: unknown };
  template?: { spec: { syncPolicy?: { automated?: unknown } } };
}

describe("several clusters from one spec", () => {
  const spec = valid(text);
  const models = resolveClusters(spec);
  const all = render(spec);

  it("gives each cluster its tenants, their overrides, and its tree under clusters/<name>/", () => {
    // GIVEN examples/clusters.yaml (staging and prod) WHEN it is resolved
    const [staging, prod] = models;
    expect(staging?.cluster.name).toBe("acme-staging");
    expect(prod?.cluster.name).toBe("acme-prod");
    // THEN each cluster runs the tenants placed on it, with that cluster's values
    expect(staging?.tenants.map((t) => t.name)).toEqual(["ops", "portal-globex"]);
    expect(prod?.tenants.map((t) => t.name)).toEqual(["ops", "initech", "portal-globex"]);
    expect(staging?.cluster.awsAccountId).toBe("444455556666");
    expect(prod?.cluster.awsAccountId).toBe("111122223333");
    expect(staging?.tenants[1]?.settings.quota.cpu).toBe("2");
    expect(prod?.tenants[2]?.settings.quota.cpu).toBe("4");
    expect(staging?.tenants[1]?.hostname).toBe("portal-globex.staging.n8n.acme.example");
    // and every rendered file lives under its cluster's directory
    for (const model of models) {
      const own = renderModel(model);
      expect(own.every((o) => o.file.startsWith(`clusters/${model.cluster.name}/`))).toBe(true);
    }
    expect(all.length).toBe(models.reduce((n, m) => n + renderModel(m).length, 0));
  });

  it("runs each cluster's images: the Deployment on staging has the release candidate, prod the release", () => {
    const image = (cluster: string) =>
      all.find(
        (o) => o.file === `clusters/${cluster}/tenants/portal-globex/portal/deployment-portal-api.yaml`,
      )?.object.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
    expect(image("acme-staging")?.template.spec.containers[0]?.image).toMatch(/:3\.2\.0-rc\.1$/);
    expect(image("acme-prod")?.template.spec.containers[0]?.image).toMatch(/:3\.1\.0$/);
  });

  it("syncs production only by hand or in its window, staging automatically", () => {
    for (const model of models) {
      // GIVEN every Application and ApplicationSet template of the cluster
      const synced = renderModel(model)
        .filter((o) => o.object.kind === "Application" || o.object.kind === "ApplicationSet")
        .map((o) => {
          const spec = o.object.spec as Synced;
          return { file: o.file, automated: (spec.template?.spec.syncPolicy ?? spec.syncPolicy)?.automated };
        });
      expect(synced.length).toBeGreaterThan(5);
      // THEN production has no automated sync anywhere, staging has it everywhere
      for (const s of synced) {
        if (model.cluster.production) expect(s.automated, s.file).toBeUndefined();
        else expect(s.automated, s.file).toEqual({ prune: true, selfHeal: true });
      }
      const projects = renderModel(model).filter((o) => o.object.kind === "AppProject");
      for (const p of projects) {
        const windows = (p.object.spec as { syncWindows?: unknown[] }).syncWindows;
        expect(windows?.length ?? 0, p.file).toBe(model.cluster.production ? 1 : 0);
      }
    }
  });

  it("has each cluster's Argo CD generate applications from its own directory only (as Argo CD evaluates the templates)", () => {
    // GIVEN every directory of the whole tree, both clusters'
    const directories = [...new Set(all.map((o) => `rendered/${o.file.split("/").slice(0, -1).join("/")}`))];
    const candidates = [
      ...new Set(
        directories.flatMap((d) => d.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"))),
      ),
    ];
    for (const model of models) {
      const sources: string[] = [];
      for (const set of renderModel(model).filter((o) => o.object.kind === "ApplicationSet")) {
        const s = set.object.spec as {
          generators: { git: { directories: { path: string }[] } }[];
          template: { spec: { source: { path: string } } };
        };
        const pattern = s.generators[0]?.git.directories[0]?.path ?? "";
        for (const r of renderLikeArgoCd(pattern, s.template.spec.source.path, candidates))
          if (r.matched && "value" in r) sources.push(r.value);
      }
      // THEN every application reads a directory of this cluster, and each of its tenants' directories is read
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources)
        expect(source.startsWith(`rendered/clusters/${model.cluster.name}/`), source).toBe(true);
      for (const tenant of model.tenants) {
        expect(sources).toContain(
          `rendered/clusters/${model.cluster.name}/tenants/${tenant.name}/${tenant.product.name}`,
        );
        expect(sources).toContain(`rendered/clusters/${model.cluster.name}/tenants/${tenant.name}/platform`);
      }
    }
  });
});
