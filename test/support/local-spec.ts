/**
 * A platform spec for `up` tests: one cluster, one zone without customer data, and the
 * given rest (defaults, tenants) appended as YAML.
 */
export function localSpec(name: string, rest: string): string {
  return `apiVersion: tenantctl/v1alpha1
kind: Platform
metadata: { name: ${name} }
cluster: { name: ${name}, region: eu-central-1, domain: n8n.${name}.example, kubernetesVersion: "1.34", awsAccountId: "111122223333" }
gitops: { repoURL: https://git.example.com/p.git, targetRevision: main, path: rendered }
zones:
  internal: { customerData: false }
${rest}`;
}
