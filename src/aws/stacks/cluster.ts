/**
 * The EKS cluster: Kubernetes secrets envelope-encrypted with a key of its own, every
 * control-plane log, API authentication by access entries only (the platform admins; no
 * implicit admin for whoever deployed it), a small managed "system" node group for Argo CD
 * and Karpenter, and the add-ons as EKS managed add-ons. The VPC CNI runs with network policy
 * enforcement on: without it EKS ignores every NetworkPolicy that verify proves.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as eksL1 from "aws-cdk-lib/aws-eks";
import * as eks from "aws-cdk-lib/aws-eks-v2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { iamName, KARPENTER_DISCOVERY_TAG } from "../../model/names.js";
import type { Model } from "../../model/resolve.js";
import { CLUSTER_POLICIES, EBS_CSI_POLICY, managed, nodeRole } from "../managed-policies.js";
import { acknowledge } from "../nag.js";
import { OUTPUT } from "../names.js";
import { PodIdentityRole } from "../pod-identity.js";
import { SUBNET_GROUP } from "./network.js";

/** The VPC CNI's settings: NetworkPolicies enforced, and security groups for pods (RDS tenants). */
export const VPC_CNI_CONFIGURATION = {
  enableNetworkPolicy: "true",
  env: { ENABLE_POD_ENI: "true", POD_SECURITY_GROUP_ENFORCING_MODE: "standard" },
  // Liveness probes of pods with their own security group need it (AWS's guidance for pod ENIs).
  init: { env: { DISABLE_TCP_EARLY_DEMUX: "true" } },
} as const;

export const SYSTEM_NODE_GROUP = "system";
const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

export interface ClusterStackProps extends StackProps {
  readonly model: Model;
  readonly vpc: ec2.IVpc;
}

export class ClusterStack extends Stack {
  readonly cluster: eks.Cluster;
  /** Karpenter's nodes: the EC2NodeClasses find it by its discovery tag. */
  readonly nodeSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { cluster: spec } = props.model;
    const secretsKey = new kms.Key(this, "SecretsKey", {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${spec.name}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, "ClusterRole", {
      roleName: iamName(spec.name, "cluster"),
      description: "The EKS control plane; VPCResourceController lets it attach pod security groups",
      assumedBy: new iam.ServicePrincipal("eks.amazonaws.com"),
      managedPolicies: managed(CLUSTER_POLICIES),
    });
    acknowledge(role, "awsManagedPolicies");
    this.cluster = new eks.Cluster(this, "Cluster", {
      clusterName: spec.name,
      version: eks.KubernetesVersion.of(spec.kubernetesVersion),
      vpc: props.vpc,
      vpcSubnets: [{ subnetGroupName: SUBNET_GROUP.private }],
      role,
      secretsEncryptionKey: secretsKey,
      endpointAccess:
        spec.publicApiCidrs === undefined
          ? eks.EndpointAccess.PUBLIC_AND_PRIVATE
          : eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...spec.publicApiCidrs),
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      // Karpenter, not Auto Mode: the node pools render writes are Karpenter's (README says when Auto Mode fits).
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      bootstrapClusterCreatorAdminPermissions: false,
      // The CNI, kube-proxy and CoreDNS come as managed add-ons below, with tenantctl's settings.
      bootstrapSelfManagedAddons: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.cluster, "eksEncryptionConfigShape");
    // The control plane itself, not the construct: that also holds the node group, which waits for the add-ons.
    const controlPlane = this.cluster.node.findChild("Resource");
    for (const [i, principalArn] of spec.adminRoleArns.entries()) {
      new eksL1.CfnAccessEntry(this, `Admin${i}`, {
        clusterName: spec.name,
        principalArn,
        type: "STANDARD",
        accessPolicies: [
          {
            policyArn: `arn:${this.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
            accessScope: { type: "cluster" },
          },
        ],
      }).node.addDependency(controlPlane);
    }

    const addon = (name: string, extra: Partial<eksL1.CfnAddonProps> = {}) =>
      new eksL1.CfnAddon(this, `Addon-${name}`, {
        addonName: name,
        clusterName: spec.name,
        resolveConflicts: "OVERWRITE",
        preserveOnDelete: false,
        ...extra,
      });
    const early = [
      addon("vpc-cni", { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) }),
      addon("kube-proxy"),
      addon("eks-pod-identity-agent"),
    ];
    for (const a of early) a.node.addDependency(controlPlane);

    const system = this.cluster.addNodegroupCapacity("System", {
      nodegroupName: SYSTEM_NODE_GROUP,
      instanceTypes: [new ec2.InstanceType("m7i.large")],
      minSize: 2,
      desiredSize: 2,
      maxSize: 3,
      subnets: { subnetGroupName: SUBNET_GROUP.private },
      amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      nodeRole: nodeRole(this, "SystemNodeRole", iamName(spec.name, "system-nodes")),
      launchTemplateSpec: systemLaunchTemplate(this),
    });
    for (const a of early) system.node.addDependency(a);

    const ebsCsi = new PodIdentityRole(this, "EbsCsi", {
      roleName: iamName(spec.name, "ebs-csi"),
      clusterName: spec.name,
      namespace: "kube-system",
      serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
      description: "EBS CSI controller: create, attach and delete the volumes of PersistentVolumeClaims",
    });
    ebsCsi.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(EBS_CSI_POLICY));
    acknowledge(ebsCsi.role, "awsManagedPolicies");
    ebsCsi.node.addDependency(early[2] as eksL1.CfnAddon);
    // CoreDNS and the EBS driver run as pods: they become ACTIVE only once nodes exist.
    for (const late of [addon("coredns"), addon("aws-ebs-csi-driver")])
      late.node.addDependency(system, ebsCsi);

    this.nodeSecurityGroup = new ec2.SecurityGroup(this, "KarpenterNodes", {
      vpc: props.vpc,
      description: `Karpenter nodes of ${spec.name}: talk with the control plane and every other node`,
      allowAllOutbound: true,
    });
    Tags.of(this.nodeSecurityGroup).add(KARPENTER_DISCOVERY_TAG, spec.name);
    const clusterGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      "ClusterGroup",
      this.cluster.clusterSecurityGroupId,
    );
    this.nodeSecurityGroup.addIngressRule(this.nodeSecurityGroup, ec2.Port.allTraffic(), "node to node");
    this.nodeSecurityGroup.addIngressRule(
      clusterGroup,
      ec2.Port.allTraffic(),
      "control plane and managed nodes",
    );
    new ec2.CfnSecurityGroupIngress(this, "ClusterFromKarpenterNodes", {
      groupId: this.cluster.clusterSecurityGroupId,
      sourceSecurityGroupId: this.nodeSecurityGroup.securityGroupId,
      ipProtocol: "-1",
      description: "Karpenter nodes to the control plane and managed nodes",
    });

    new CfnOutput(this, OUTPUT.clusterSecurityGroup, {
      key: OUTPUT.clusterSecurityGroup,
      value: this.cluster.clusterSecurityGroupId,
      description: "The cluster security group: every pod security group policy lists it first",
    });
  }
}

/** Encrypted root volumes, IMDSv2 only, and no instance metadata for pods (hop limit 1). */
function systemLaunchTemplate(scope: Construct): eks.LaunchTemplateSpec {
  const template = new ec2.CfnLaunchTemplate(scope, "SystemLaunchTemplate", {
    launchTemplateData: {
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: 50, volumeType: "gp3" } },
      ],
      metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
    },
  });
  return { id: template.ref, version: template.attrLatestVersionNumber };
}
