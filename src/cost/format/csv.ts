import type { CostReport } from "../report.js";

const cell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const dollars = (c: number) => (c / 100).toFixed(2);

/** One row per tenant, then the shared lines; amounts in USD per month. */
export function formatCostCsv(r: CostReport): string {
  const rows: (string | number)[][] = [
    [
      "tenant",
      "zone",
      "tier",
      `label ${r.chargeback.label}`,
      "nodes_usd",
      "idle_usd",
      "services_usd",
      "shared_usd",
      "platform_usd",
      "baseline_usd",
    ],
    ...r.tenants.map((t) => [
      t.name,
      t.zone,
      t.tier,
      t.labels[r.chargeback.label] ?? "",
      dollars(t.compute),
      dollars(t.idle),
      dollars(t.services),
      dollars(t.shared),
      dollars(t.total),
      dollars(t.baseline),
    ]),
    ...r.sharedLines.map((l) => [`(shared) ${l.name}`, "", "", "", "", "", "", dollars(l.monthly), "", ""]),
  ];
  return `${rows.map((row) => row.map(cell).join(",")).join("\n")}\n`;
}
