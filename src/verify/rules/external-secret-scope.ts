/**
 * An ExternalSecret of a tenant reads through its zone's store only, and only keys under
 * `<zone>/<tenant>/` (a zone's data namespace: under `<zone>/`). The zone store's IAM role
 * enforces the zone in AWS; the path is what keeps tenants of one zone apart.
 */
import { secretPath, zoneSecretStore } from "../../model/names.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf } from "../input.js";
import { list, scopedObjects } from "./scope.js";

interface RemoteRef {
  key?: string;
}

export const externalSecretScope: VerifyRule = {
  id: "external-secret-scope",
  severity: "error",
  title: "ExternalSecret reads outside its tenant's secrets",
  description:
    "Every ExternalSecret of a tenant references its zone's ClusterSecretStore and only remote keys under <zone>/<tenant>/; a zone data namespace only keys under <zone>/. Namespaced SecretStores are not allowed in tenant namespaces.",
  check(ctx) {
    const out: Finding[] = [];
    for (const { source, scope } of scopedObjects(ctx, ["ExternalSecret", "SecretStore"])) {
      const zone = scope.zone?.name ?? "";
      const problem = (message: string, fix: string) =>
        out.push(findingOf(this, { message, objects: [refOf(source)], fix, tenant: scope.tenant?.name }));
      const name = `${source.object.kind} ${source.object.metadata.namespace ?? ""}/${source.object.metadata.name}`;
      if (source.object.kind === "SecretStore") {
        problem(
          `${name}: a namespaced store in a tenant or zone namespace bypasses the zone's store`,
          `use the ClusterSecretStore ${zoneSecretStore(ctx.model.platform, zone)}`,
        );
        continue;
      }
      const spec = (source.object.spec ?? {}) as Record<string, unknown>;
      const store = (spec.secretStoreRef ?? {}) as { kind?: string; name?: string };
      if (store.kind !== "ClusterSecretStore" || store.name !== zoneSecretStore(ctx.model.platform, zone)) {
        problem(
          `${name} reads through ${store.kind ?? "SecretStore"} ${store.name ?? "(none)"}, not its zone's store ${zoneSecretStore(ctx.model.platform, zone)}`,
          `set spec.secretStoreRef to ClusterSecretStore ${zoneSecretStore(ctx.model.platform, zone)}`,
        );
      }
      const prefix = scope.tenant === undefined ? `${zone}/` : secretPath(zone, scope.tenant.name, "");
      const keys = [
        ...list<{ remoteRef?: RemoteRef }>(spec.data).map((d) => d.remoteRef?.key),
        ...list<{ extract?: RemoteRef; find?: unknown }>(spec.dataFrom).map(
          (d) => d.extract?.key ?? (d.find === undefined ? undefined : "(find: any key)"),
        ),
      ];
      for (const key of keys) {
        if (key === undefined || key.startsWith(prefix)) continue;
        problem(`${name} reads the remote key "${key}", outside ${prefix}`, `read only keys under ${prefix}`);
      }
    }
    return out;
  },
};
