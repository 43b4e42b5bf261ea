// Prints the final "N passed, N failed" line from vitest's JSON report. Static checks
// (type check, lint, format) that failed count as failed tests, so CI never hides them.
import { readFileSync } from "node:fs";

const [reportFile, failedChecks = "0"] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedChecks);
try {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed +=
    (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report);
} catch {
  failed += 1;
  console.log("vitest wrote no report: the test run itself failed");
}
console.log(`${passed} passed, ${failed} failed`);

// A suite that failed only because of failed tests is already counted by its tests.
function countSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (s) => s.status === "failed" && (s.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length;
}
