/**
 * Generates a platform spec with N tenants, spread over an internal and an external zone,
 * with every isolation mode and tier represented, as a real fleet would be.
 */
export function generateSpec(tenants: number, name = "bench"): string {
  const lines = [
    "apiVersion: tenantctl/v1alpha1",
    "kind: Platform",
    `metadata: { name: ${name} }`,
    'cluster: { name: bench, region: eu-central-1, domain: n8n.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333", adminRoleArns: ["arn:aws:iam::111122223333:role/platform-admin"] }',
    "gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }",
    "zones:",
    "  internal: { customerData: false, denyEgressTo: [10.50.0.0/16] }",
    "  external: { customerData: true, customerDataCidrs: [10.50.0.0/16], allowSharedDataServices: true }",
    "defaults:",
    "  admins: [platform-team]",
    "tenants:",
  ];
  for (let i = 0; i < tenants; i++) {
    const tenant = `t${String(i).padStart(5, "0")}`;
    lines.push(`  - name: ${tenant}`);
    lines.push(`    zone: ${i % 5 === 0 ? "internal" : "external"}`);
    lines.push(`    admins: [${tenant}-admins]`);
    if (i % 10 === 1) lines.push("    tier: dedicated", "    database: { isolation: rds }");
    if (i % 10 === 2) {
      lines.push(
        "    database: { isolation: database }",
        "    redis: { isolation: acl }",
        "    n8n: { version: 2.3.2 }",
      );
    }
    if (i % 7 === 3) lines.push(`    viewers: [${tenant}-auditors]`);
  }
  return `${lines.join("\n")}\n`;
}
