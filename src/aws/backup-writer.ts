/**
 * The role a CloudNativePG server writes its WAL and base backups with: objects under its
 * own prefix of the backup bucket only, and the backup key only through S3. A tenant's role
 * cannot read, write or delete another tenant's backups.
 */
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Stack } from "aws-cdk-lib";
import { Construct } from "constructs";
import { acknowledge } from "./nag.js";
import { PodIdentityRole } from "./pod-identity.js";

export interface BackupWriterProps {
  readonly roleName: string;
  readonly clusterName: string;
  readonly namespace: string;
  /** CloudNativePG runs a server's pods as a service account named like the server. */
  readonly serviceAccount: string;
  readonly bucket: s3.IBucketRef & { readonly bucketArn: string };
  readonly key: kms.IKeyRef & { readonly keyArn: string };
  readonly prefix: string;
}

export class BackupWriter extends Construct {
  constructor(scope: Construct, id: string, props: BackupWriterProps) {
    super(scope, id);
    const { role } = new PodIdentityRole(this, "Identity", {
      roleName: props.roleName,
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      description: `Database backups under s3 prefix ${props.prefix}`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "OwnPrefixObjects",
        actions: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
        resources: [`${props.bucket.bucketArn}/${props.prefix}*`],
      }),
    );
    // barman-cloud checks the bucket with HeadBucket before every archive, and S3 authorizes
    // HeadBucket as ListBucket without a prefix: pinning s3:prefix would stop every backup.
    // Listing shows object names (zone, tenant, backup times) of the bucket, never contents.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "BucketCheckAndList",
        actions: ["s3:ListBucket"],
        resources: [props.bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "BackupKeyThroughS3",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { "kms:ViaService": `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    acknowledge(role, "backupPrefix");
  }
}
