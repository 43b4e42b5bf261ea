/**
 * Secrets come from AWS Secrets Manager through the zone's ClusterSecretStore, one
 * ExternalSecret per secret, never a value in Git. Fixed keys (a role name) are set by the
 * template; the rest are properties of the secret at `<zone>/<tenant>/<item>`. A Secret that
 * holds data's key or credentials survives its ExternalSecret (Orphan, Retain), and Argo CD
 * never prunes it. With `secrets.provider: generated` nothing is rendered: `apply` creates them.
 */
import { KEEP_DATA_ANNOTATIONS, USER_SUPPLIED_ANNOTATION, zoneSecretStore } from "../../model/names.js";
import type { Model, TenantModel } from "../../model/resolve.js";
import { type TenantSecret, tenantSecrets } from "../../model/secrets.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";

export function renderExternalSecrets(model: Model, tenant: TenantModel): KubernetesObject[] {
  if (model.secretProvider !== "external-secrets") return [];
  return tenantSecrets(tenant).map((secret) => renderExternalSecret(tenant, secret));
}

function renderExternalSecret(tenant: TenantModel, secret: TenantSecret): KubernetesObject {
  const fixed = secret.keys.flatMap((k) =>
    k.source.kind === "fixed" ? [[k.key, k.source.value] as const] : [],
  );
  const remote = secret.keys.filter((k) => k.source.kind !== "fixed");
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: tenantMeta(tenant, secret.name, {
      ...(secret.dataBearing ? { annotations: { ...KEEP_DATA_ANNOTATIONS } } : {}),
      ...(secret.userSupplied === true ? { annotations: { [USER_SUPPLIED_ANNOTATION]: "true" } } : {}),
    }),
    spec: {
      data: remote.map((k) => ({
        remoteRef: {
          conversionStrategy: "Default",
          decodingStrategy: "None",
          key: secret.remotePath,
          property: k.key,
        },
        secretKey: k.key,
      })),
      refreshInterval: "1h",
      secretStoreRef: {
        kind: "ClusterSecretStore",
        name: zoneSecretStore(tenant.platform, tenant.zone.name),
      },
      target: {
        creationPolicy: secret.dataBearing ? "Orphan" : "Owner",
        deletionPolicy: "Retain",
        name: secret.name,
        ...(fixed.length === 0
          ? {}
          : { template: { data: Object.fromEntries(fixed), engineVersion: "v2", mergePolicy: "Merge" } }),
      },
    },
  };
}
