import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";

/** The example spec as text, so tests can derive variants of it. */
export const EXAMPLE_SPEC_FILE = new URL("../../examples/platform.yaml", import.meta.url);
export const exampleSpecText = (): string => readFileSync(EXAMPLE_SPEC_FILE, "utf8");

/** The example with one change applied through the YAML document model (keeps comments). */
export function exampleWith(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(exampleSpecText());
  edit(doc);
  return doc.toString();
}

/**
 * A small platform of its own on the example's cluster, for tests that must never touch the
 * example's tenants. It shares the example's cluster name, as two platforms on one cluster must
 * agree on its cluster-scoped objects (node classes name the cluster's IAM role).
 */
export function sidePlatformText(platform: string, short: string, tenants: readonly string[]): string {
  return `apiVersion: tenantctl/v1alpha1
kind: Platform
metadata: { name: ${platform} }
cluster: { name: acme-prod, region: eu-central-1, domain: ${short}.example.com, kubernetesVersion: "1.34", awsAccountId: "111122223333" }
gitops: { repoURL: https://git.example.com/${short}.git, targetRevision: main, path: rendered }
zones:
  internal: { customerData: false }
tenants:
${tenants.map((t) => `  - name: ${t}\n    zone: internal\n`).join("")}`;
}
