import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveClusters } from "../../src/model/resolve-clusters.js";
import { validateSpecText } from "../../src/model/load-platform.js";
import { renderModel } from "../../src/render/render.js";
import { VerifyContext } from "../../src/verify/context.js";
import { reportOf } from "../../src/verify/engine.js";
import type { KubernetesObject } from "../../src/manifest/object.js";

const text = readFileSync(new URL("../../examples/clusters.yaml", import.meta.url), "utf8");
const WINDOW =
  '    syncWindows:\n      - { kind: allow, schedule: "0 9 * * 1-4", duration: 3h, timeZone: Europe/Berlin }\n';

function findings(specText: string, cluster: number, doctor: (o: KubernetesObject) => KubernetesObject) {
  const result = validateSpecText(specText, "platform.yaml");
  if (result.spec === undefined) throw new Error(JSON.stringify(result.diagnostics));
  const model = resolveClusters(result.spec)[cluster];
  if (model === undefined) throw new Error("no cluster");
  const objects = renderModel(model).map(({ file, object }) => ({ file, object: doctor(object) }));
  return reportOf(new VerifyContext({ model, objects })).findings.filter(
    (f) => f.rule === "argocd-production-sync",
  );
}

/** The tenant n8n ApplicationSet, hand-edited to sync automatically. */
const automate = (o: KubernetesObject): KubernetesObject => {
  if (o.kind !== "ApplicationSet" || !o.metadata.name.endsWith("tenant-n8n")) return o;
  const spec = structuredClone(o.spec) as { template: { spec: { syncPolicy: Record<string, unknown> } } };
  spec.template.spec.syncPolicy.automated = { prune: true, selfHeal: true };
  return { ...o, spec };
};

describe("verify: production syncs by hand", () => {
  it("passes what tenantctl renders for staging and production", () => {
    expect(findings(text, 0, (o) => o)).toEqual([]);
    expect(findings(text, 1, (o) => o)).toEqual([]);
  });

  it("catches a production ApplicationSet hand-edited to sync automatically, when no window confines it", () => {
    // GIVEN prod without sync windows, and its tenants' n8n application set doctored
    const noWindow = text.replace(WINDOW, "");
    const found = findings(noWindow, 1, automate);
    // THEN verify names it
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(
      /ApplicationSet acme-tenant-n8n syncs automatically on production cluster acme-prod/,
    );
    // and the same edit on staging is not a finding; inside prod's allow window it is confined, so neither
    expect(findings(noWindow, 0, automate)).toEqual([]);
    expect(findings(text, 1, automate)).toEqual([]);
  });
});
