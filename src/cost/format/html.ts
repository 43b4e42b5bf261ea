/**
 * One self-contained page (no script, no external asset): the verdict, cost per tenant
 * against its baseline, the platform and the baseline as the fleet grows (inline SVG), the
 * shared costs, nodes, chargeback, assumptions and every price with its source.
 */
import { escapeHtml } from "../../lib/html.js";
import { usd } from "../money.js";
import type { CostReport } from "../report.js";

/** Above this many tenants the bar chart shows the most expensive ones. */
const MAX_BARS = 40;

const esc = escapeHtml;

export function formatCostHtml(r: CostReport, generatedAt: string): string {
  const cheaper = r.total <= r.baselineTotal;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tenantctl cost: ${esc(r.platform)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Cost report: ${esc(r.platform)} (${esc(r.region)})</h1>
<p class="verdict ${cheaper ? "ok" : "bad"}" id="verdict">Shared platform ${usd(r.total)} per month vs ${usd(r.baselineTotal)} for one ECS/Fargate stack per account: ${
    cheaper ? `saves ${usd(r.baselineTotal - r.total)}` : `costs ${usd(r.total - r.baselineTotal)} more`
  }</p>
<p class="stats">${r.tenants.length} tenants · ${r.density.nodes} nodes (${r.density.tenantsPerNode.toFixed(2)} tenants per node) · break-even ${
    r.breakEven === undefined
      ? "not within 2× today"
      : `at ${r.breakEven} tenant${r.breakEven === 1 ? "" : "s"}`
  } · prices as of ${esc(r.pricesAsOf)} · generated ${esc(generatedAt)} by tenantctl cost</p>
</header>
<section>
<h2>Per tenant and month</h2>
${barChart(r)}
<table class="tenants" id="tenants"><tr><th>tenant</th><th>zone</th><th>tier</th><th>nodes</th><th>idle</th><th>services</th><th>shared</th><th>platform</th><th>ECS baseline</th></tr>
${r.tenants
  .map(
    (t) =>
      `<tr><td>${esc(t.name)}</td><td>${esc(t.zone)}</td><td>${esc(t.tier)}</td><td>${usd(t.compute)}</td><td>${usd(t.idle)}</td><td>${usd(t.services)}</td><td>${usd(t.shared)}</td><td class="num strong">${usd(t.total)}</td><td class="num">${usd(t.baseline)}</td></tr>`,
  )
  .join("\n")}
<tr class="total"><td colspan="7">total</td><td class="num strong">${usd(r.total)}</td><td class="num">${usd(r.baselineTotal)}</td></tr>
</table>
</section>
<section>
<h2>As the fleet grows</h2>
${growthChart(r)}
</section>
<section>
<h2>Shared costs</h2>
<table id="shared">${r.sharedLines.map((l) => `<tr><td>${esc(l.name)}</td><td class="num">${usd(l.monthly)}</td></tr>`).join("\n")}</table>
<h2>Nodes (steady state)</h2>
<table id="nodes"><tr><th>pool</th><th>type</th><th>capacity</th><th>count</th><th>per month</th></tr>
${r.steady.nodes.map((n) => `<tr><td>${esc(n.pool)}</td><td>${esc(n.type)}</td><td>${n.capacity}</td><td class="num">${n.count}</td><td class="num">${usd(n.monthly)}</td></tr>`).join("\n")}
</table>
<p>At peak (every workload at its maximum): ${r.peak.nodeCount} nodes, ${usd(r.peak.nodesMonthly)} if it lasted the month. Plus the 2 system nodes in every case.</p>
<h2>Chargeback by ${esc(r.chargeback.label)}</h2>
<table id="chargeback">${r.chargeback.groups.map((g) => `<tr><td>${esc(g.value)}</td><td class="num">${g.tenants} tenant${g.tenants === 1 ? "" : "s"}</td><td class="num">${usd(g.total)}</td></tr>`).join("\n")}</table>
</section>
<section>
<h2>Assumptions</h2>
<table id="assumptions"><tr><th>what</th><th>assumed</th><th>set by</th></tr>
${r.assumptions.map((a) => `<tr><td>${esc(a.name)}</td><td>${esc(a.value)}</td><td><code>${esc(a.set)}</code></td></tr>`).join("\n")}
</table>
<h2>Prices</h2>
<table id="prices"><tr><th>key</th><th>USD</th><th>unit</th><th>source</th><th>as of</th></tr>
${r.prices
  .map(
    (p) =>
      `<tr class="${p.confirmed ? "" : "unconfirmed"}"><td><code>${esc(p.key)}</code></td><td class="num">${p.usd}</td><td>${esc(p.unit)}</td><td>${esc(p.source)}${p.confirmed ? "" : ' <span class="flag">unconfirmed</span>'}</td><td>${esc(p.asOf)}</td></tr>`,
  )
  .join("\n")}
</table>
</section>
</body>
</html>
`;
}

function barChart(r: CostReport): string {
  const shown = [...r.tenants]
    .sort((a, b) => Math.max(b.total, b.baseline) - Math.max(a.total, a.baseline))
    .slice(0, MAX_BARS);
  const max = Math.max(1, ...shown.map((t) => Math.max(t.total, t.baseline)));
  const row = 26;
  const left = 140;
  const width = 560;
  const height = shown.length * row + 30;
  const bars = shown
    .map((t, i) => {
      const y = i * row + 20;
      const wp = (t.total / max) * width;
      const wb = (t.baseline / max) * width;
      return `<text x="${left - 8}" y="${y + 12}" text-anchor="end">${esc(t.name)}</text>
<rect class="platform" x="${left}" y="${y}" width="${wp.toFixed(1)}" height="10"><title>${esc(t.name)}: ${usd(t.total)} on the platform</title></rect>
<rect class="baseline" x="${left}" y="${y + 11}" width="${wb.toFixed(1)}" height="10"><title>${esc(t.name)}: ${usd(t.baseline)} as its own ECS stack</title></rect>`;
    })
    .join("\n");
  return `<svg id="per-tenant-chart" role="img" aria-label="cost per tenant" width="${left + width + 20}" height="${height}" viewBox="0 0 ${left + width + 20} ${height}">
<text x="${left}" y="12" class="legend"><tspan class="platform-key">■ platform</tspan> <tspan class="baseline-key">■ ECS baseline</tspan>${shown.length < r.tenants.length ? ` (the ${shown.length} most expensive of ${r.tenants.length})` : ""}</text>
${bars}
</svg>`;
}

function growthChart(r: CostReport): string {
  const points = r.growth;
  if (points.length === 0) return "<p>No tenants: nothing to grow.</p>";
  const w = 640;
  const h = 280;
  const m = { left: 70, right: 20, top: 20, bottom: 40 };
  const maxX = Math.max(...points.map((p) => p.tenants));
  const maxY = Math.max(1, ...points.flatMap((p) => [p.platform, p.baseline]));
  const x = (n: number) => m.left + ((n - 1) / Math.max(1, maxX - 1)) * (w - m.left - m.right);
  const y = (c: number) => h - m.bottom - (c / maxY) * (h - m.top - m.bottom);
  const line = (key: "platform" | "baseline") =>
    points.map((p) => `${x(p.tenants).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
  const today = r.tenants.length;
  return `<svg id="growth-chart" role="img" aria-label="platform and baseline cost as tenants grow" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<line class="axis" x1="${m.left}" y1="${h - m.bottom}" x2="${w - m.right}" y2="${h - m.bottom}"/>
<line class="axis" x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${h - m.bottom}"/>
<text x="${m.left - 6}" y="${m.top + 4}" text-anchor="end">${usd(maxY).replace(/\.\d\d$/, "")}</text>
<text x="${m.left - 6}" y="${h - m.bottom}" text-anchor="end">$0</text>
<text x="${m.left}" y="${h - 12}">1 tenant</text>
<text x="${w - m.right}" y="${h - 12}" text-anchor="end">${maxX} tenants (2× today)</text>
<line class="today" x1="${x(today).toFixed(1)}" y1="${m.top}" x2="${x(today).toFixed(1)}" y2="${h - m.bottom}"><title>today: ${today} tenants</title></line>
<polyline class="platform" points="${line("platform")}"><title>shared platform</title></polyline>
<polyline class="baseline" points="${line("baseline")}"><title>one ECS/Fargate stack per account</title></polyline>
<text x="${m.left + 8}" y="${m.top + 14}" class="legend"><tspan class="platform-key">— platform</tspan> <tspan class="baseline-key">— ECS baseline</tspan></text>
</svg>`;
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #1d2330; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.verdict { font-weight: 600; padding: .6rem .8rem; border-radius: 6px; }
.verdict.ok { background: #e3f6e8; color: #13622b; } .verdict.bad { background: #fde8e8; color: #8a1c1c; }
.stats { color: #555; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e6e8ee; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; } .strong { font-weight: 600; }
tr.total td { border-top: 2px solid #1d2330; font-weight: 600; }
tr.unconfirmed td { background: #fff8e1; } .flag { color: #8a5a00; font-weight: 600; }
svg text { font-size: 12px; fill: #1d2330; }
rect.platform, .platform-key { fill: #2f6fdf; } rect.baseline, .baseline-key { fill: #b8bfcc; }
polyline { fill: none; stroke-width: 2.5; } polyline.platform { stroke: #2f6fdf; } polyline.baseline { stroke: #8a93a6; stroke-dasharray: 6 4; }
line.axis { stroke: #1d2330; } line.today { stroke: #d08a00; stroke-dasharray: 3 3; }
`;
