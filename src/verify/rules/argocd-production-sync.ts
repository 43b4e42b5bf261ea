import type { KubernetesObject } from "../../manifest/object.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { list } from "./scope.js";

interface Window {
  kind?: string;
}

/**
 * On a production cluster nothing syncs by itself at any time: an Application (or the
 * template of an ApplicationSet) with automated sync is allowed only when its project has an
 * allow window, which confines automatic syncs to it.
 */
export const argocdProductionSync: VerifyRule = {
  id: "argocd-production-sync",
  severity: "error",
  title: "A production Application syncs by itself at any time",
  description:
    "On a cluster the spec marks production, every Application and ApplicationSet template syncs manually, or automatically only inside an allow window of its project.",
  check(ctx) {
    if (!ctx.model.cluster.production) return [];
    const out: Finding[] = [];
    const projects = ctx.input.objects.filter(({ object }) => object.kind === "AppProject");
    const windowed = new Set(
      projects
        .filter(({ object }) =>
          list<Window>((object.spec as { syncWindows?: unknown } | undefined)?.syncWindows).some(
            (w) => w.kind === "allow",
          ),
        )
        .map(({ object }) => object.metadata.name),
    );
    // A templated project ("tenant-{{ … }}") may be any of them: confined only if all are.
    const confined = (project: unknown) =>
      typeof project === "string" &&
      (project.includes("{{")
        ? projects.length > 0 && windowed.size === projects.length
        : windowed.has(project));
    for (const source of ctx.input.objects) {
      const app = applicationSpec(source.object);
      if (app === undefined) continue;
      const automated = (app.syncPolicy as { automated?: unknown } | undefined)?.automated;
      if (automated === undefined || automated === null) continue;
      if (confined(app.project)) continue;
      out.push(
        findingOf(this, {
          message: `${source.object.kind} ${source.object.metadata.name} syncs automatically on production cluster ${ctx.model.cluster.name}, at any time`,
          objects: [refOf(source)],
          fix: "remove syncPolicy.automated (re-render: production syncs by hand), or give its project an allow sync window",
        }),
      );
    }
    return out;
  },
};

/** An Application's spec, or an ApplicationSet's template spec (what its Applications will be). */
function applicationSpec(object: KubernetesObject): Record<string, unknown> | undefined {
  if (!object.apiVersion.startsWith("argoproj.io/")) return undefined;
  const spec = object.spec as Record<string, unknown> | undefined;
  if (object.kind === "Application") return spec;
  if (object.kind === "ApplicationSet")
    return (spec?.template as { spec?: Record<string, unknown> } | undefined)?.spec;
  return undefined;
}
