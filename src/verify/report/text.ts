import type { VerifyReport } from "../engine.js";
import type { Finding } from "../finding.js";
import { describeRef } from "../../manifest/references.js";

/** The terminal summary: what was analysed, every finding explained, the verdict last. */
export function formatText(report: VerifyReport, elapsedMs: number): string {
  const s = report.stats;
  const lines = [
    `verify ${report.platform}: ${s.tenants} tenants, ${s.objects} objects, ${s.endpoints} endpoints, ${s.policies} NetworkPolicies, ${s.flows} connections from tenant and zone pods (${Math.round(elapsedMs)} ms)`,
    "",
  ];
  for (const f of report.findings) lines.push(...formatFinding(f), "");
  const cross = report.matrix.cells.filter(([from, to]) => from !== to).length;
  lines.push(
    cross === 0
      ? `reachability: every tenant's pods reach only their own tenant (${report.matrix.tenants.length} tenants, ${
          new Set(report.matrix.tenants.map((t) => t.zone)).size
        } zones)`
      : `reachability: ${cross} tenant pairs are connected (see cross-tenant-traffic)`,
  );
  lines.push(
    s.errors === 0
      ? `isolation holds: 0 errors, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`
      : `isolation does NOT hold: ${s.errors} error${s.errors === 1 ? "" : "s"}, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`,
  );
  return `${lines.join("\n")}\n`;
}

function formatFinding(f: Finding): string[] {
  return [
    `${f.severity} [${f.rule}] ${f.message}`,
    ...f.objects.map((o) => `  object: ${describeRef(o)}${o.file === undefined ? "" : ` (${o.file})`}`),
    ...f.path.map((p) => `  path:   ${p}`),
    `  fix:    ${f.fix}`,
  ];
}
