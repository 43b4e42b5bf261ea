import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";

/**
 * A benchmark size: `1000` (n8n tenants), or `1000+products` (a third of them running the two
 * products of examples/products.yaml, with their own and the zones' shared data services).
 */
export function parseSize(arg: string | undefined, fallback = 1000): { tenants: number; products: boolean } {
  const text = arg ?? String(fallback);
  return { tenants: Number.parseInt(text, 10), products: text.endsWith("+products") };
}

/** The `products:` block of examples/products.yaml, as one flow-style YAML line. */
function productsBlock(): string {
  const doc = parseDocument(readFileSync(new URL("../examples/products.yaml", import.meta.url), "utf8"));
  return `products: ${JSON.stringify(doc.toJS().products)}`;
}

/**
 * Generates a platform spec with N tenants, spread over an internal and an external zone,
 * with every isolation mode and tier represented, as a real fleet would be; with `products`,
 * every third tenant runs the shop or the ledger of examples/products.yaml instead of n8n.
 */
export function generateSpec(tenants: number, name = "bench", products = false): string {
  const lines = [
    "apiVersion: tenantctl/v1alpha1",
    "kind: Platform",
    `metadata: { name: ${name} }`,
    'cluster: { name: bench, region: eu-central-1, domain: n8n.bench.example, kubernetesVersion: "1.34", awsAccountId: "111122223333", adminRoleArns: ["arn:aws:iam::111122223333:role/platform-admin"] }',
    "gitops: { repoURL: https://git.bench.example/p.git, targetRevision: main, path: rendered }",
    "zones:",
    "  internal: { customerData: false, denyEgressTo: [10.50.0.0/16] }",
    "  external: { customerData: true, customerDataCidrs: [10.50.0.0/16], allowSharedDataServices: true }",
    ...(products ? [productsBlock()] : []),
    "defaults:",
    "  admins: [platform-team]",
    "tenants:",
  ];
  for (let i = 0; i < tenants; i++) {
    const tenant = `t${String(i).padStart(5, "0")}`;
    lines.push(`  - name: ${tenant}`);
    lines.push(`    zone: ${i % 5 === 0 ? "internal" : "external"}`);
    lines.push(`    admins: [${tenant}-admins]`);
    if (products && i % 3 === 0) {
      // Shops in both zones (the internal ones on the zone's shared servers), ledgers on RDS.
      if (i % 2 === 0) {
        lines.push("    product: shop", '    quota: { cpu: "8", memory: 16Gi }');
        if (i % 5 === 0)
          lines.push(
            "    database: { isolation: database }",
            "    redis: { isolation: acl }",
            "    rabbitmq: { isolation: vhost }",
          );
        else lines.push("    database: { pooler: { instances: 2 } }");
      } else {
        lines.push("    product: ledger", "    database: { isolation: rds }");
      }
      continue;
    }
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
