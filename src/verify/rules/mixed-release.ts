/**
 * A product that migrates its database runs one release in every workload of a tenant: n8n's
 * main, workers, webhook processors and runners must match, or an old worker runs against a
 * schema a newer main migrated (or the reverse). A workload held at zero replicas is not
 * running (that is how a staged upgrade stops the others while main migrates).
 */
import { schemaVersion } from "../../model/resolve.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { podSpecOf } from "../workloads.js";
import { imageTag } from "../../manifest/pod.js";
import { list, scopeOf } from "./scope.js";

interface Container {
  readonly name?: string;
  readonly image?: string;
}

const PRODUCT_LABEL = "app.kubernetes.io/name";

export const mixedRelease: VerifyRule = {
  id: "mixed-release",
  severity: "error",
  title: "Workloads of one tenant run different releases against one database",
  description:
    "Every running container of a tenant's product whose database schema follows its release (n8n) carries that release's tag; a hand-edited image, an old worker, or a forgotten pin is found here.",
  check(ctx) {
    const out: Finding[] = [];
    for (const source of ctx.input.objects) {
      const spec = podSpecOf(source.object);
      if (spec === undefined) continue;
      const tenant = scopeOf(ctx, source).tenant;
      const release = tenant === undefined ? undefined : schemaVersion(tenant);
      if (tenant === undefined || release === undefined) continue;
      if (source.object.metadata.labels?.[PRODUCT_LABEL] !== tenant.product.name) continue;
      if ((source.object.spec as { replicas?: number } | undefined)?.replicas === 0) continue;
      for (const container of [
        ...list<Container>(spec.initContainers),
        ...list<Container>(spec.containers),
      ]) {
        const image = String(container.image ?? "");
        const tag = imageTag(image);
        if (tag === release.version) continue;
        out.push(
          findingOf(this, {
            message: `${source.object.kind} ${source.object.metadata.namespace}/${source.object.metadata.name} runs ${image} (container ${container.name}); ${tenant.name}'s ${release.key} is ${release.version}`,
            objects: [refOf(source)],
            fix: `run ${release.version} in every workload of ${tenant.name} (change ${release.key} in platform.yaml and render; never pin one workload's image)`,
            tenant: tenant.name,
          }),
        );
      }
    }
    return out;
  },
};
