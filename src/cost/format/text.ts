import { usd } from "../money.js";
import type { CostReport } from "../report.js";

const pad = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map(
      (r) =>
        `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")}`,
    )
    .join("\n");
};

const ratio = (a: number, b: number) => (b === 0 ? "-" : `${(a / b).toFixed(2)}×`);

export function formatCostText(r: CostReport): string {
  const lines: string[] = [];
  lines.push(
    `cost of ${r.platform} in ${r.region} per month (prices as of ${r.pricesAsOf}; ${r.prices.filter((p) => !p.confirmed).length} of them unconfirmed, see --format json)`,
  );
  lines.push("");
  lines.push(
    pad([
      ["tenant", "zone", "tier", "nodes", "idle", "services", "shared", "platform", "ECS baseline", "ratio"],
      ...r.tenants.map((t) => [
        t.name,
        t.zone,
        t.tier,
        usd(t.compute),
        usd(t.idle),
        usd(t.services),
        usd(t.shared),
        usd(t.total),
        usd(t.baseline),
        ratio(t.total, t.baseline),
      ]),
    ]),
  );
  lines.push("");
  lines.push(
    `platform ${usd(r.total)} vs baseline ${usd(r.baselineTotal)}: ${ratio(r.total, r.baselineTotal)} (${r.total <= r.baselineTotal ? `saves ${usd(r.baselineTotal - r.total)}` : `costs ${usd(r.total - r.baselineTotal)} more`} per month)`,
  );
  lines.push(
    r.breakEven === undefined
      ? "break-even: not within the horizon (the platform stays dearer than one stack per account)"
      : `break-even: from ${r.breakEven} tenant${r.breakEven === 1 ? "" : "s"} on, the shared platform costs less`,
  );
  lines.push(
    `nodes: ${r.density.nodes} (${r.steady.nodes.map((n) => `${n.count} × ${n.type} ${n.capacity} in ${n.pool}`).join(", ")}, 2 system); ${r.density.tenantsPerNode.toFixed(2)} tenants per node; at peak ${r.peak.nodeCount + 2} nodes`,
  );
  lines.push("");
  lines.push("shared costs (spread over the tenants):");
  lines.push(pad(r.sharedLines.map((l) => [l.name, usd(l.monthly)])));
  if (r.unallocated > 0) lines.push(`platform overhead with no tenant to carry it: ${usd(r.unallocated)}`);
  if (r.chargeback.groups.some((g) => g.value !== "(none)")) {
    lines.push("");
    lines.push(`chargeback by label ${r.chargeback.label}:`);
    lines.push(
      pad(
        r.chargeback.groups.map((g) => [
          g.value,
          `${g.tenants} tenant${g.tenants === 1 ? "" : "s"}`,
          usd(g.total),
        ]),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
