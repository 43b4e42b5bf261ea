import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "../../src/manifest/object.js";
import { type AppSetResult, renderLikeArgoCd } from "../support/appset-template.js";
import { platform } from "../support/platforms.js";

/**
 * The application sets as Argo CD's ApplicationSet controller evaluates them: each generator's
 * directory pattern matched and each template rendered by text/template with Sprig (a Go
 * command built from the module proxy, scripts/appset-template), over every directory of
 * the rendered tree.
 */
interface AppSetSpec {
  generators: { git: { directories: { path: string }[] } }[];
  template: {
    metadata: { name: string };
    spec: { project: string; destination: { namespace: string }; source: { path: string } };
  };
}
const example = platform("example");
const shared = platform("shared-services");
const applicationSets = (objects: typeof example.objects): KubernetesObject[] =>
  objects.filter((o) => o.object.kind === "ApplicationSet").map((o) => o.object);

describe("Argo CD application sets", () => {
  for (const { model, objects } of [example, shared]) {
    it(`gives each rendered directory of ${model.platform} its own application, project and namespace, as Argo CD renders the templates`, () => {
      // GIVEN every directory of the repository under gitops.path, as the generators list them
      const manifestDirectories = [
        ...new Set(objects.map((o) => `${model.gitops.path}/${o.file.split("/").slice(0, -1).join("/")}`)),
      ];
      const candidates = [
        ...new Set(
          manifestDirectories.flatMap((d) =>
            d.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/")),
          ),
        ),
      ];
      const value = (r: AppSetResult | undefined): string => {
        if (r === undefined || !("value" in r)) throw new Error(`template failed: ${JSON.stringify(r)}`);
        return r.value;
      };
      const applications = new Map<string, string>();
      // WHEN Argo CD renders each application set's template for the directories it selects
      for (const set of applicationSets(objects)) {
        const spec = set.spec as AppSetSpec;
        const pattern = spec.generators[0]?.git.directories[0]?.path ?? "";
        const field = (template: string) => renderLikeArgoCd(pattern, template, candidates);
        const names = field(spec.template.metadata.name);
        const projects = field(spec.template.spec.project);
        const namespaces = field(spec.template.spec.destination.namespace);
        const paths = field(spec.template.spec.source.path);
        candidates.forEach((_, i) => {
          if (names[i]?.matched !== true) return;
          const name = value(names[i]);
          const source = value(paths[i]);
          // THEN no two applications share a name, and each is confined to its tenant's namespace and project
          expect(applications.has(name), `${name} is generated twice`).toBe(false);
          applications.set(name, source);
          const tenant = model.tenants.find((t) => source.includes(`/tenants/${t.name}/`));
          if (tenant === undefined) return;
          expect(value(namespaces[i])).toBe(tenant.namespace);
          if (source.endsWith(`/${tenant.product.name}`)) {
            expect(name).toBe(`tenant-${tenant.name}`);
            expect(value(projects[i])).toBe(`tenant-${tenant.name}`);
          }
        });
      }
      // THEN every tenant and zone directory with manifests is exactly one application's source
      const delivered = manifestDirectories.filter((d) => !d.includes("/clusters/")).sort();
      expect([...applications.values()].sort()).toEqual(delivered);
    });
  }
});
