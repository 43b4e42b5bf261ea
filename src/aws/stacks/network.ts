/**
 * The cluster's VPC: three availability zones, each with a public subnet (load balancers, NAT),
 * a large private subnet (nodes and pods: the VPC CNI gives pods VPC addresses) and a small
 * isolated database subnet (RDS, no route out). Subnets carry the tags the load balancer
 * controller and Karpenter discover them by. Endpoints keep image pulls, secrets and STS
 * off the NAT gateways.
 */
import { RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as rds from "aws-cdk-lib/aws-rds";
import type { Construct } from "constructs";
import { dbSubnetGroupName, KARPENTER_DISCOVERY_TAG } from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import { acknowledge } from "../nag.js";

export const AVAILABILITY_ZONES = 3;

/** Subnet sizes relative to the VPC's prefix: private p+2 (3/4 of the VPC), public p+6, database p+8. */
export const SUBNET_PREFIX_DELTA = { private: 2, public: 6, database: 8 } as const;
/** The longest VPC prefix whose database subnets still hold RDS (a /28 at least). */
export const LONGEST_VPC_PREFIX = 28 - SUBNET_PREFIX_DELTA.database;

export const SUBNET_GROUP = { public: "public", private: "private", database: "database" } as const;

export interface NetworkStackProps extends StackProps {
  readonly model: Model;
}

export class NetworkStack extends Stack {
  readonly vpc: ec2.IVpc;
  readonly databaseSubnets: rds.CfnDBSubnetGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { cluster } = props.model;
    const prefix = Number(cluster.vpcCidr.split("/")[1]);
    // Named zones, not "the first three": synth makes no look-up and the template never drifts.
    const zones = ["a", "b", "c"].map((letter) => `${cluster.region}${letter}`);
    const vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr(cluster.vpcCidr),
      availabilityZones: zones,
      natGateways: cluster.natGateways === "one" ? 1 : AVAILABILITY_ZONES,
      // Without a custom resource (a Lambda and its asset); the default group has no rules that matter:
      // nothing tenantctl creates uses it.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        {
          name: SUBNET_GROUP.private,
          subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
          cidrMask: prefix + SUBNET_PREFIX_DELTA.private,
        },
        {
          name: SUBNET_GROUP.public,
          subnetType: ec2.SubnetType.PUBLIC,
          cidrMask: prefix + SUBNET_PREFIX_DELTA.public,
          mapPublicIpOnLaunch: false,
        },
        {
          name: SUBNET_GROUP.database,
          subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: prefix + SUBNET_PREFIX_DELTA.database,
        },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });
    // aws-cdk-lib's classes are typed without exactOptionalPropertyTypes: a Vpc is an IVpc.
    this.vpc = vpc as unknown as ec2.IVpc;
    acknowledge(vpc, "namedAvailabilityZones");
    for (const subnet of this.vpc.publicSubnets) Tags.of(subnet).add("kubernetes.io/role/elb", "1");
    for (const subnet of this.vpc.privateSubnets) {
      Tags.of(subnet).add("kubernetes.io/role/internal-elb", "1");
      Tags.of(subnet).add(KARPENTER_DISCOVERY_TAG, cluster.name);
    }
    const endpoints: [string, ec2.InterfaceVpcEndpointAwsService][] = [
      ["EcrApi", ec2.InterfaceVpcEndpointAwsService.ECR],
      ["EcrDocker", ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
      ["Sts", ec2.InterfaceVpcEndpointAwsService.STS],
      ["SecretsManager", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ];
    for (const [name, service] of endpoints) {
      const endpoint = vpc.addInterfaceEndpoint(name, {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        privateDnsEnabled: true,
      });
      acknowledge(endpoint, "endpointSecurityGroupFromVpc");
    }
    const flowLogs = new logs.LogGroup(this, "FlowLogs", {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    this.databaseSubnets = new rds.CfnDBSubnetGroup(this, "DatabaseSubnets", {
      dbSubnetGroupDescription: `RDS instances of ${props.model.platform}'s rds tenants: isolated subnets, no route out`,
      dbSubnetGroupName: dbSubnetGroupName(cluster.name),
      subnetIds: this.vpc.selectSubnets({ subnetGroupName: SUBNET_GROUP.database }).subnetIds,
    });
    this.databaseSubnets.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
