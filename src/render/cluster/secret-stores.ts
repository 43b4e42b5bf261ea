/**
 * A ClusterSecretStore per zone, reading AWS Secrets Manager through the zone's own IAM role
 * (assumed by External Secrets), and usable only from namespaces labelled with that zone.
 * Each zone's role may read `<zone>/*` only (the IAM policy docs/bootstrap.md gives).
 */
import { LABEL, roleArn, zoneSecretStore, zoneSecretsRole } from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { clusterMeta } from "./meta.js";

export function renderSecretStores(model: Model): KubernetesObject[] {
  // With generated secrets nothing reads Secrets Manager: no store, and no role it would need.
  if (model.secretProvider !== "external-secrets") return [];
  return model.zones.map((zone) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ClusterSecretStore",
    metadata: clusterMeta(model, zoneSecretStore(model.platform, zone.name)),
    spec: {
      conditions: [{ namespaceSelector: { matchLabels: { [LABEL.zone]: zone.name } } }],
      provider: {
        aws: {
          region: model.cluster.region,
          role: roleArn(model.cluster.awsAccountId, zoneSecretsRole(model.cluster.name, zone.name)),
          service: "SecretsManager",
        },
      },
    },
  }));
}
