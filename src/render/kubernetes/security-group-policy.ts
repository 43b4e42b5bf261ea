/**
 * An `rds` tenant's pods get the security group its RDS instance admits (security groups
 * for pods, through the VPC resource controller), beside the cluster group that keeps them
 * reachable like every other pod. It is part of the platform's baseline: the tenant's Argo
 * CD project may not create or change SecurityGroupPolicies, and tenant RBAC grants none,
 * since a policy naming another tenant's group would reach that tenant's database.
 */
import { SECURITY_GROUP_POLICY } from "../../model/names.js";
import type { TenantModel } from "../../model/resolve.js";
import type { KubernetesObject } from "../../manifest/object.js";
import { tenantMeta } from "../../manifest/metadata.js";
import { clientPods } from "./stack-network.js";

export function renderSecurityGroupPolicy(
  tenant: TenantModel,
  groupIds: readonly string[],
): KubernetesObject {
  return {
    apiVersion: "vpcresources.k8s.aws/v1beta1",
    kind: "SecurityGroupPolicy",
    metadata: tenantMeta(tenant, SECURITY_GROUP_POLICY),
    spec: { podSelector: clientPods(tenant, "database"), securityGroups: { groupIds: [...groupIds] } },
  };
}
