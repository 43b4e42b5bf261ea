/**
 * A role for one Kubernetes service account through EKS Pod Identity. The trust policy
 * names the cluster, namespace and service account (Pod Identity's session tags), so even
 * a wrong association elsewhere could not hand the role to another pod.
 */
import * as eks from "aws-cdk-lib/aws-eks";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";

export interface PodIdentityProps {
  readonly roleName: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly description: string;
}

export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

export class PodIdentityRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PodIdentityProps) {
    super(scope, id);
    const principal = new iam.ServicePrincipal(POD_IDENTITY_PRINCIPAL).withConditions({
      StringEquals: {
        "aws:RequestTag/eks-cluster-name": props.clusterName,
        "aws:RequestTag/kubernetes-namespace": props.namespace,
        "aws:RequestTag/kubernetes-service-account": props.serviceAccount,
      },
    });
    this.role = new iam.Role(this, "Role", {
      roleName: props.roleName,
      description: props.description,
      assumedBy: new iam.SessionTagsPrincipal(principal),
    });
    new eks.CfnPodIdentityAssociation(this, "Association", {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
  }
}
