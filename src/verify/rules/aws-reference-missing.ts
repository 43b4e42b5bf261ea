/**
 * One platform across both layers: every AWS name a rendered manifest relies on is created
 * by the synthesized AWS layer. A role, secret, bucket, queue, cluster or discovery tag that
 * only the manifests know about is a platform that converges on paper and fails in AWS.
 */
import {
  AWS_IDENTITY_ADDONS,
  addonServiceAccount,
  KARPENTER_DISCOVERY_TAG,
  USER_SUPPLIED_ANNOTATION,
  podSecurityGroupName,
  rdsInstanceId,
} from "../../model/names.js";
import { PINNED } from "../../versions.js";
import type { AwsLayer } from "../aws/templates.js";
import { findingOf, type Finding, type VerifyRule } from "../finding.js";
import { refOf, type SourcedObject } from "../input.js";
import { list } from "./scope.js";

/** The fields of the kinds read here, all optional: a hand-edited manifest may lack any of them. */
interface Spec {
  provider?: { aws?: { role?: unknown } };
  data?: unknown;
  role?: unknown;
  subnetSelectorTerms?: unknown;
  securityGroupSelectorTerms?: unknown;
  backup?: {
    barmanObjectStore?: { destinationPath?: unknown; s3Credentials?: { inheritFromIAMRole?: unknown } };
  };
  source?: {
    chart?: unknown;
    helm?: {
      valuesObject?: {
        serviceAccount?: { name?: unknown };
        settings?: { interruptionQueue?: unknown; clusterName?: unknown };
      };
    };
  };
}

interface Reference {
  readonly source: SourcedObject;
  readonly what: string;
  readonly name: string;
}

export const awsReferenceMissing: VerifyRule = {
  id: "aws-reference-missing",
  severity: "error",
  title: "A manifest references an AWS resource the AWS layer does not create",
  description:
    "With --aws: every IAM role (secret stores, node classes, Pod Identity of add-ons and database servers), Secrets Manager secret, backup bucket, interruption queue, cluster name and Karpenter discovery tag that the manifests name exists in the synthesized templates.",
  check(ctx) {
    const layer = ctx.input.aws;
    if (layer === undefined) return [];
    const have = inventory(layer);
    const out: Finding[] = [];
    for (const ref of references(ctx.input.objects, ctx.model.secretProvider === "external-secrets")) {
      if (have.get(ref.what)?.has(ref.name)) continue;
      out.push(
        findingOf(this, {
          message: `${ref.source.object.kind} ${ref.source.object.metadata.namespace ?? ""}/${ref.source.object.metadata.name} needs the ${ref.what} "${ref.name}", which no template creates`,
          objects: [refOf(ref.source)],
          fix: "synthesize the AWS layer from the same platform.yaml (tenantctl aws synth) and render again",
        }),
      );
    }
    // An rds tenant's database and the pod group its SecurityGroupPolicy will name.
    for (const tenant of ctx.model.tenants.filter((t) => t.settings.database.isolation === "rds")) {
      const cluster = ctx.model.cluster.name;
      const needed: [string, string][] = [
        ["RDS instance", rdsInstanceId(cluster, tenant.name)],
        ["security group", podSecurityGroupName(cluster, tenant.name)],
      ];
      for (const [what, name] of needed.filter(([w, n]) => !have.get(w)?.has(n))) {
        out.push(
          findingOf(this, {
            message: `tenant ${tenant.name} uses RDS, but no template creates its ${what} "${name}"`,
            objects: [],
            fix: "synthesize the AWS layer from the same platform.yaml (tenantctl aws synth)",
            tenant: tenant.name,
          }),
        );
      }
    }
    return out;
  },
};

/** What the templates create, by kind of name. */
function inventory(layer: AwsLayer): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  const add = (what: string, name: string | undefined) => {
    if (name === undefined) return;
    let set = names.get(what);
    if (set === undefined) names.set(what, (set = new Set()));
    set.add(name);
  };
  const prop = (type: string, field: string, what: string) => {
    for (const r of layer.resourcesOf(type)) add(what, layer.text(r.stack, r.resource.Properties?.[field]));
  };
  prop("AWS::IAM::Role", "RoleName", "IAM role");
  for (const r of layer.resourcesOf("AWS::IAM::Role")) {
    const name = layer.text(r.stack, r.resource.Properties?.RoleName);
    if (name !== undefined) add("IAM role ARN", `arn:aws:iam::${r.stack.account}:role/${name}`);
  }
  prop("AWS::SecretsManager::Secret", "Name", "Secrets Manager secret");
  prop("AWS::S3::Bucket", "BucketName", "S3 bucket");
  prop("AWS::SQS::Queue", "QueueName", "SQS queue");
  prop("AWS::EKS::Cluster", "Name", "EKS cluster");
  prop("AWS::RDS::DBInstance", "DBInstanceIdentifier", "RDS instance");
  prop("AWS::EC2::SecurityGroup", "GroupName", "security group");
  for (const r of layer.resourcesOf("AWS::EKS::PodIdentityAssociation")) {
    const p = r.resource.Properties ?? {};
    add(
      "Pod Identity association",
      `${layer.text(r.stack, p.Namespace)}/${layer.text(r.stack, p.ServiceAccount)}`,
    );
  }
  for (const type of ["AWS::EC2::Subnet", "AWS::EC2::SecurityGroup"]) {
    for (const r of layer.resourcesOf(type)) {
      for (const tag of list<{ Key?: string; Value?: unknown }>(r.resource.Properties?.Tags)) {
        if (tag.Key === KARPENTER_DISCOVERY_TAG) add(`${type} discovery tag`, layer.text(r.stack, tag.Value));
      }
    }
  }
  return names;
}

function references(objects: readonly SourcedObject[], readsSecretsManager: boolean): Reference[] {
  const out: Reference[] = [];
  for (const source of objects) {
    const spec = (source.object.spec ?? {}) as Spec;
    const ref = (what: string, name: unknown) => {
      if (typeof name === "string" && name !== "") out.push({ source, what, name });
    };
    switch (source.object.kind) {
      case "ClusterSecretStore":
        ref("IAM role ARN", spec.provider?.aws?.role);
        break;
      case "ExternalSecret":
        // Its user makes that secret (an alert receiver's URL); the AWS layer does not.
        if (source.object.metadata.annotations?.[USER_SUPPLIED_ANNOTATION] === "true") break;
        for (const d of list<{ remoteRef?: { key?: string } }>(spec.data))
          ref("Secrets Manager secret", d.remoteRef?.key);
        break;
      case "EC2NodeClass":
        ref("IAM role", spec.role);
        for (const term of list<{ tags?: Record<string, string> }>(spec.subnetSelectorTerms)) {
          ref("AWS::EC2::Subnet discovery tag", term.tags?.[KARPENTER_DISCOVERY_TAG]);
        }
        for (const term of list<{ tags?: Record<string, string> }>(spec.securityGroupSelectorTerms)) {
          ref("AWS::EC2::SecurityGroup discovery tag", term.tags?.[KARPENTER_DISCOVERY_TAG]);
        }
        break;
      case "Cluster": {
        if (!source.object.apiVersion.startsWith("postgresql.cnpg.io/")) break;
        const path = spec.backup?.barmanObjectStore?.destinationPath;
        if (typeof path === "string") ref("S3 bucket", /^s3:\/\/([^/]+)/.exec(path)?.[1]);
        if (spec.backup?.barmanObjectStore?.s3Credentials?.inheritFromIAMRole === true) {
          // CloudNativePG runs the server as a service account named like the cluster.
          ref(
            "Pod Identity association",
            `${source.object.metadata.namespace ?? ""}/${source.object.metadata.name}`,
          );
        }
        break;
      }
      case "Application": {
        const chart = spec.source?.chart;
        const values = spec.source?.helm?.valuesObject ?? {};
        const addon = AWS_IDENTITY_ADDONS.find((a) => PINNED.addons[a].chart === chart);
        // External Secrets reads nothing from AWS when secrets are generated in the cluster.
        if (addon === undefined || (addon === "externalSecrets" && !readsSecretsManager)) break;
        const account = values.serviceAccount?.name ?? addonServiceAccount(addon);
        ref("Pod Identity association", `${PINNED.addons[addon].namespace}/${String(account)}`);
        if (addon === "karpenter") {
          ref("SQS queue", values.settings?.interruptionQueue);
          ref("EKS cluster", values.settings?.clusterName);
        }
        break;
      }
    }
  }
  return out;
}
