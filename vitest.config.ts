import { defineConfig } from "vitest/config";

/**
 * Three projects (`vitest run --project <name>`; `npm test` runs unit):
 * - unit: no servers and no external tools: model, renderers, verify's engine, the CLI;
 * - integration: a real control plane, and the real tools verify and the renderers are checked
 *   against (netpol-analyzer, Argo CD's YAML decoding and templating, Chromium, cfn-lint);
 * - e2e: real PostgreSQL, Redis and n8n on this machine (`tenantctl up`).
 * The projects run one after another (groupOrder); integration and e2e files one at a time too:
 * they share one control plane, cluster-scoped objects and the machine's ports.
 */
const INTEGRATION = [
  "test/integration/**/*.test.ts",
  "test/verify/cross-check.test.ts",
  "test/verify/report.test.ts",
  "test/verify/kubernetes-yaml.test.ts",
  "test/render/application-sets.test.ts",
  "test/render/clusters.test.ts",
  "test/aws/cfn-lint.test.ts",
  "test/aws/ci.test.ts",
  "test/ci/delivery-flow.test.ts",
  "test/cost/report-html.test.ts",
  "test/observability/alert-rules.test.ts",
  "test/observability/tenant-dashboards.test.ts",
  "test/observability/metric-sources.test.ts",
];
const E2E = ["test/e2e/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...INTEGRATION, ...E2E],
          globalSetup: ["test/support/build-setup.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: INTEGRATION,
          globalSetup: ["test/support/build-setup.ts", "test/support/control-plane-setup.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: E2E,
          globalSetup: ["test/support/build-setup.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
