/**
 * Kinds that exist outside any namespace, of Kubernetes and of the add-ons tenantctl installs.
 * Argo CD applies such an object cluster-wide whatever directory it sits in.
 */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "APIService",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "PriorityClass",
  "StorageClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "IngressClass",
  "RuntimeClass",
  "CertificateSigningRequest",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "AdminNetworkPolicy",
  "BaselineAdminNetworkPolicy",
  "NodePool",
  "EC2NodeClass",
  "NodeClaim",
  "ClusterSecretStore",
  "ClusterExternalSecret",
  "ClusterIssuer",
  "ClusterPolicy",
  "ClusterTriggerAuthentication",
  "ClusterImageCatalog",
  "ClusterPolicyReport",
]);

export function isClusterScoped(kind: string): boolean {
  // ClusterRole, ClusterIssuer, ClusterSecretStore…: the convention for cluster-wide twins ("Cluster" alone is CloudNativePG's namespaced kind).
  return CLUSTER_SCOPED.has(kind) || /^Cluster[A-Z]/.test(kind);
}
