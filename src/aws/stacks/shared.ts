/**
 * What the whole platform shares: the bucket of database backups (versioned, encrypted with
 * a key of its own, never public, never deleted with the stack), the platform's hosted zone
 * and the ACM certificate the ALB Ingresses find by hostname, and the roles of the add-ons
 * that call AWS, each bound to its service account by Pod Identity.
 */
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { AddonName } from "../../input/schema.js";
import { addonRole, addonServiceAccount, roleArn, zoneSecretsRole } from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import { PINNED } from "../../versions.js";
import { type NagAcknowledgement, acknowledge } from "../nag.js";
import { OUTPUT } from "../names.js";
import { PodIdentityRole } from "../pod-identity.js";
import { loadBalancerControllerStatements } from "./load-balancer-controller.js";

export interface SharedStackProps extends StackProps {
  readonly model: Model;
}

export class SharedStack extends Stack {
  readonly backupBucket: s3.Bucket;
  readonly backupKey: kms.Key;

  constructor(scope: Construct, id: string, props: SharedStackProps) {
    super(scope, id, props);
    const { model } = props;
    this.backupKey = new kms.Key(this, "BackupKey", {
      description: `Database backups of ${model.platform} (bucket ${model.backups.bucket})`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessLogs = new s3.Bucket(this, "BackupAccessLogs", {
      bucketName: accessLogBucketName(model.backups.bucket),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupBucket = new s3.Bucket(this, "Backups", {
      bucketName: model.backups.bucket,
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.backupKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [
        // CloudNativePG deletes what its retention policy drops; versioning keeps it this long after.
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logAccessTo(this.backupBucket, accessLogs, "backups/");

    const zone =
      model.cluster.hostedZoneId === undefined
        ? this.createdZone(model)
        : route53.PublicHostedZone.fromHostedZoneAttributes(this, "HostedZone", {
            hostedZoneId: model.cluster.hostedZoneId,
            zoneName: model.cluster.domain,
          });
    if (model.ingress.className === "alb" && model.ingress.tls === "acm") {
      new acm.Certificate(this, "Certificate", {
        domainName: `*.${model.cluster.domain}`,
        subjectAlternativeNames: [model.cluster.domain],
        validation: acm.CertificateValidation.fromDns(zone),
      });
    }
    this.addonRoles(model, zone.hostedZoneId);
  }

  private createdZone(model: Model): route53.IPublicHostedZone {
    const zone = new route53.PublicHostedZone(this, "HostedZone", { zoneName: model.cluster.domain });
    zone.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnOutput(this, OUTPUT.nameServers, {
      key: OUTPUT.nameServers,
      value: Fn.join(",", zone.hostedZoneNameServers ?? []),
      description: `Delegate ${model.cluster.domain} to these name servers in its parent zone`,
    });
    return zone;
  }

  private addonRoles(model: Model, hostedZoneId: string): void {
    const enabled = new Set(model.addons.map((a) => a.name));
    const clusterName = model.cluster.name;
    const role = (
      addon: AddonName,
      description: string,
      statements: iam.PolicyStatement[],
      wildcards?: NagAcknowledgement,
    ) => {
      if (!enabled.has(addon)) return;
      const identity = new PodIdentityRole(this, addon, {
        roleName: addonRole(clusterName, PINNED.addons[addon].chart),
        clusterName,
        namespace: PINNED.addons[addon].namespace,
        serviceAccount: addonServiceAccount(addon),
        description,
      });
      for (const statement of statements) identity.role.addToPrincipalPolicy(statement);
      if (wildcards !== undefined) acknowledge(identity.role, wildcards);
    };
    const zoneArn = `arn:${this.partition}:route53:::hostedzone/${hostedZoneId}`;
    role(
      "externalDns",
      "ExternalDNS: records of the platform's hosted zone only",
      [
        new iam.PolicyStatement({
          actions: [
            "route53:ChangeResourceRecordSets",
            "route53:ListResourceRecordSets",
            "route53:ListTagsForResources",
          ],
          resources: [zoneArn],
        }),
        new iam.PolicyStatement({ actions: ["route53:ListHostedZones"], resources: ["*"] }),
      ],
      "dnsWildcards",
    );
    role(
      "certManager",
      "cert-manager: DNS-01 challenges in the platform's hosted zone only",
      [
        new iam.PolicyStatement({
          actions: ["route53:GetChange"],
          resources: [`arn:${this.partition}:route53:::change/*`],
        }),
        new iam.PolicyStatement({
          actions: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
          resources: [zoneArn],
        }),
        new iam.PolicyStatement({ actions: ["route53:ListHostedZonesByName"], resources: ["*"] }),
      ],
      "dnsWildcards",
    );
    role(
      "awsLoadBalancerController",
      "AWS Load Balancer Controller: the ALBs and target groups of this cluster",
      loadBalancerControllerStatements(this, clusterName),
      "loadBalancerControllerWildcards",
    );
    if (model.secretProvider === "external-secrets") {
      role("externalSecrets", "External Secrets: assume a zone's secrets role, nothing else", [
        new iam.PolicyStatement({
          actions: ["sts:AssumeRole"],
          resources: model.zones.map((z) =>
            roleArn(model.cluster.awsAccountId, zoneSecretsRole(clusterName, z.name)),
          ),
        }),
      ]);
    }
  }
}

/** Server access logging into a log bucket, and the log bucket's grant to the logging service. */
function logAccessTo(bucket: s3.Bucket, logs: s3.Bucket, prefix: string): void {
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: logs.bucketName,
    logFilePrefix: prefix,
  };
  const stack = Stack.of(bucket);
  logs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "S3ServerAccessLogs",
      principals: [new iam.ServicePrincipal("logging.s3.amazonaws.com")],
      actions: ["s3:PutObject"],
      resources: [logs.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { "aws:SourceArn": bucket.bucketArn },
        StringEquals: { "aws:SourceAccount": stack.account },
      },
    }),
  );
}

/** `<bucket>-access-logs` within S3's 63 characters, never ending the cut part in "." or "-". */
export function accessLogBucketName(bucket: string): string {
  const suffix = "-access-logs";
  return `${bucket.slice(0, 63 - suffix.length).replace(/[.-]+$/, "")}${suffix}`;
}
