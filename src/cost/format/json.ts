import type { CostReport } from "../report.js";

/** The whole report; amounts in cents per month (integers: they add up exactly). */
export function formatCostJson(r: CostReport): string {
  return `${JSON.stringify({ unit: "USD cents per month", ...r }, null, 2)}\n`;
}
