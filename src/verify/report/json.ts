import type { VerifyReport } from "../engine.js";
import type { ConnectivityLine } from "../network/connectivity.js";

/** The report as data (stable field names), optionally with the full connectivity list. */
export function formatJson(report: VerifyReport, connectivity?: readonly ConnectivityLine[]): string {
  return `${JSON.stringify({ ...report, ...(connectivity === undefined ? {} : { connectivity }) }, null, 2)}\n`;
}
