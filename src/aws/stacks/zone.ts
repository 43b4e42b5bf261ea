/**
 * A zone's own AWS identity: the KMS key its tenants' secrets and RDS storage are encrypted
 * with, the role its ClusterSecretStore reads Secrets Manager through (only `<zone>/*`,
 * assumable only by External Secrets' role), and for a zone with a shared PostgreSQL server
 * that server's backup role.
 */
import { RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import {
  addonRole,
  backupPrefix,
  DATA,
  roleArn,
  zoneBackupRole,
  zoneDataNamespace,
  zoneKeyAlias,
  zoneSecretsRole,
} from "../../model/names.js";
import type { Model, ZoneModel } from "../../model/resolve.js";
import { zoneSharedTenants } from "../../model/shared-data.js";
import { PINNED } from "../../versions.js";
import { BackupWriter } from "../backup-writer.js";
import { acknowledge } from "../nag.js";

export interface ZoneStackProps extends StackProps {
  readonly model: Model;
  readonly zone: ZoneModel;
  readonly backupBucket: s3.IBucketRef & { readonly bucketArn: string };
  readonly backupKey: kms.IKeyRef & { readonly keyArn: string };
}

export class ZoneStack extends Stack {
  constructor(scope: Construct, id: string, props: ZoneStackProps) {
    super(scope, id, props);
    const { model, zone } = props;
    const clusterName = model.cluster.name;
    const key = new kms.Key(this, "Key", {
      alias: zoneKeyAlias(clusterName, zone.name),
      description: `Secrets and RDS storage of zone ${zone.name} (${zone.customerData ? "customer data" : "no customer data"})`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (model.secretProvider === "external-secrets") {
      const externalSecrets = roleArn(
        model.cluster.awsAccountId,
        addonRole(clusterName, PINNED.addons.externalSecrets.chart),
      );
      const role = new iam.Role(this, "SecretsRole", {
        roleName: zoneSecretsRole(clusterName, zone.name),
        description: `Zone ${zone.name}'s ClusterSecretStore: read ${zone.name}/* in Secrets Manager, nothing else`,
        assumedBy: new iam.ArnPrincipal(externalSecrets),
      });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: "ReadZoneSecrets",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          resources: [
            `arn:${this.partition}:secretsmanager:${this.region}:${this.account}:secret:${zone.name}/*`,
          ],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: "DecryptThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: [key.keyArn],
          conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      );
      acknowledge(role, "zoneSecretsPrefix");
    }
    if (zoneSharedTenants(model, zone.name).database.length > 0) {
      new BackupWriter(this, "SharedDatabaseBackups", {
        roleName: zoneBackupRole(clusterName, zone.name),
        clusterName,
        namespace: zoneDataNamespace(zone.name),
        serviceAccount: DATA.sharedDbCluster,
        bucket: props.backupBucket,
        key: props.backupKey,
        prefix: backupPrefix(zone.name, undefined),
      });
    }
  }
}
