import type { VerifyReport } from "../engine.js";

/**
 * SARIF 2.1.0 for code scanning: one rule per verify rule id, one result per finding,
 * located at the manifest files (relative to the rendered directory, uriBaseId RENDERED).
 */
export function formatSarif(report: VerifyReport, version: string): string {
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "tenantctl verify",
            version,
            informationUri: "https://github.com/tenantctl/tenantctl#verify",
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              defaultConfiguration: { level: r.severity },
              help: { text: r.description },
            })),
          },
        },
        originalUriBaseIds: { RENDERED: { description: { text: "the rendered output directory" } } },
        results: report.findings.map((f) => {
          const files = f.objects.filter((o) => o.file !== undefined);
          return {
            ruleId: f.rule,
            ruleIndex: report.rules.findIndex((r) => r.id === f.rule),
            level: f.severity,
            message: {
              text: `${f.message}\nFix: ${f.fix}${f.path.length > 0 ? `\nPath:\n${f.path.join("\n")}` : ""}`,
            },
            locations: files.slice(0, 1).map((o) => ({
              physicalLocation: {
                artifactLocation: { uri: o.file, uriBaseId: "RENDERED" },
                region: { startLine: 1 },
              },
            })),
            relatedLocations: files.slice(1).map((o, i) => ({
              id: i + 1,
              physicalLocation: {
                artifactLocation: { uri: o.file, uriBaseId: "RENDERED" },
                region: { startLine: 1 },
              },
            })),
            partialFingerprints: {
              "tenantctl/v1": `${f.rule}:${f.objects.map((o) => o.file ?? o.name).join(",")}:${f.message}`,
            },
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
