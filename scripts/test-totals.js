// Prints the final "N passed, N failed" line from vitest's JSON report. Static checks
// (type check, lint, format) that failed count as failed tests, so CI never hides them.
import { readFileSync } from "node:fs";

const [reportFile, failedChecks = "0"] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedChecks);
try {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + countFilesFailedWithoutTests(report);
} catch {
  failed += 1;
  console.log("vitest wrote no report: the test run itself failed");
}
console.log(`${passed} passed, ${failed} failed`);

// A test file that failed with no failed test (an import error, a failed hook) counts once.
// numFailedTestSuites is not used: vitest counts describe blocks in it, so a failed test
// inside a describe was counted twice ("240 passed, 2 failed" for one failure).
function countFilesFailedWithoutTests(report) {
  return (report.testResults ?? []).filter(
    (s) => s.status === "failed" && !(s.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length;
}
