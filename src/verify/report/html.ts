import type { ReachabilityMatrix, VerifyReport } from "../engine.js";
import type { Finding } from "../finding.js";
import { describeRef } from "../../manifest/references.js";
import { escapeHtml } from "../../lib/html.js";

/** Above this many tenants the heat map shows zones instead of tenants (a 5,000² grid helps nobody). */
const MAX_TENANT_GRID = 150;

/**
 * One self-contained page (no script, no external asset): the verdict, the tenant × tenant
 * reachability heat map with the zone boundary drawn, and every finding explained.
 */
export function formatHtml(report: VerifyReport, generatedAt: string): string {
  const s = report.stats;
  const holds = s.errors === 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tenantctl verify: ${esc(report.platform)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Isolation report: ${esc(report.platform)}</h1>
<p class="verdict ${holds ? "ok" : "bad"}" id="verdict">${
    holds
      ? `Isolation holds: 0 errors, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`
      : `Isolation does NOT hold: ${s.errors} error${s.errors === 1 ? "" : "s"}, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`
  }</p>
<p class="stats">${s.tenants} tenants · ${s.objects} objects · ${s.endpoints} endpoints · ${s.policies} NetworkPolicies · ${s.flows} connections analysed · generated ${esc(generatedAt)} by tenantctl verify</p>
</header>
<section>
<h2>Reachability between tenants</h2>
<p>Each cell counts the pod pairs from the row's tenant to the column's tenant that NetworkPolicies allow to connect.
Own-tenant traffic (the diagonal) is expected; any other coloured cell is a breach. The thick line is the zone boundary.</p>
${report.matrix.tenants.length <= MAX_TENANT_GRID ? tenantGrid(report.matrix) : zoneGrid(report.matrix)}
<p class="legend"><span class="swatch own"></span> own tenant <span class="swatch cross"></span> other tenant (breach) <span class="swatch none"></span> no connection</p>
</section>
<section>
<h2 id="findings-title">Findings (${report.findings.length})</h2>
${report.findings.length === 0 ? '<p class="none-found">No findings: every rule passed.</p>' : report.findings.map(findingHtml).join("\n")}
</section>
<section>
<h2>Rules checked</h2>
<table class="rules"><tr><th>rule</th><th>severity</th><th>what it proves</th><th>findings</th></tr>
${report.rules
  .map(
    (r) =>
      `<tr><td><code>${esc(r.id)}</code></td><td>${r.severity}</td><td>${esc(r.description)}</td><td>${report.findings.filter((f) => f.rule === r.id).length}</td></tr>`,
  )
  .join("\n")}
</table>
</section>
</body>
</html>
`;
}

function tenantGrid(m: ReachabilityMatrix): string {
  const count = new Map(m.cells.map(([from, to, n]) => [`${from},${to}`, n]));
  const boundary = (i: number) => i > 0 && m.tenants[i - 1]?.zone !== m.tenants[i]?.zone;
  const zones = groups(m.tenants.map((t) => t.zone));
  const head = `<tr><th class="corner" rowspan="2">from \\ to</th>${zones
    .map((z) => `<th class="zone" colspan="${z.size}">zone ${esc(z.name)}${zoneData(m, z.name)}</th>`)
    .join("")}</tr><tr>${m.tenants
    .map((t, j) => `<th class="col${boundary(j) ? " zb" : ""}" scope="col"><span>${esc(t.name)}</span></th>`)
    .join("")}</tr>`;
  const rows = m.tenants.map((from, i) => {
    const cells = m.tenants.map((to, j) => {
      const n = count.get(`${i},${j}`) ?? 0;
      const cls = n === 0 ? "none" : i === j ? "own" : "cross";
      return `<td class="cell ${cls}${boundary(j) ? " zb" : ""}" data-from="${esc(from.name)}" data-to="${esc(to.name)}" data-count="${n}" title="${esc(from.name)} → ${esc(to.name)}: ${n} connection${n === 1 ? "" : "s"}">${n === 0 ? "" : n}</td>`;
    });
    return `<tr class="${boundary(i) ? "zb-row" : ""}"><th scope="row">${esc(from.name)} <small>${esc(from.zone)}</small></th>${cells.join("")}</tr>`;
  });
  return `<table class="heatmap" id="heatmap">${head}\n${rows.join("\n")}</table>`;
}

/** Zone × zone aggregate, for platforms too large for a tenant grid. */
function zoneGrid(m: ReachabilityMatrix): string {
  const zones = [...new Set(m.tenants.map((t) => t.zone))];
  const sums = new Map<string, { own: number; cross: number }>();
  for (const [from, to, n] of m.cells) {
    const key = `${m.tenants[from]?.zone}→${m.tenants[to]?.zone}`;
    const sum = sums.get(key) ?? { own: 0, cross: 0 };
    if (from === to) sum.own += n;
    else sum.cross += n;
    sums.set(key, sum);
  }
  const rows = zones.map(
    (a) =>
      `<tr><th scope="row">zone ${esc(a)}</th>${zones
        .map((b) => {
          const sum = sums.get(`${a}→${b}`) ?? { own: 0, cross: 0 };
          const cls = sum.cross > 0 ? "cross" : sum.own > 0 ? "own" : "none";
          return `<td class="cell ${cls}" data-from="${esc(a)}" data-to="${esc(b)}" data-count="${sum.cross}">${sum.cross > 0 ? `${sum.cross} across tenants` : sum.own > 0 ? `${sum.own} within tenants` : ""}</td>`;
        })
        .join("")}</tr>`,
  );
  return `<p>${m.tenants.length} tenants: shown by zone.</p><table class="heatmap" id="heatmap"><tr><th class="corner">from \\ to</th>${zones
    .map((z) => `<th class="zone">zone ${esc(z)}</th>`)
    .join("")}</tr>\n${rows.join("\n")}</table>`;
}

function zoneData(m: ReachabilityMatrix, zone: string): string {
  return m.tenants.find((t) => t.zone === zone)?.customerData ? " (customer data)" : "";
}

function groups(values: readonly string[]): { name: string; size: number }[] {
  const out: { name: string; size: number }[] = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last?.name === v) last.size += 1;
    else out.push({ name: v, size: 1 });
  }
  return out;
}

function findingHtml(f: Finding): string {
  return `<article class="finding ${f.severity}" data-rule="${esc(f.rule)}">
<h3><span class="badge">${f.severity}</span> <code>${esc(f.rule)}</code>${f.tenant === undefined ? "" : ` <small>tenant ${esc(f.tenant)}</small>`}</h3>
<p class="message">${esc(f.message)}</p>
<ul class="objects">${f.objects.map((o) => `<li>${esc(describeRef(o))}${o.file === undefined ? "" : ` <code>${esc(o.file)}</code>`}</li>`).join("")}</ul>
${f.path.length === 0 ? "" : `<ol class="path">${f.path.map((p) => `<li>${esc(p)}</li>`).join("")}</ol>`}
<p class="fix"><strong>Fix:</strong> ${esc(f.fix)}</p>
</article>`;
}

const esc = escapeHtml;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1c2330;background:#f6f7f9}
header{background:#1c2330;color:#fff;padding:20px 32px}
h1{margin:0 0 8px;font-size:22px}
section{padding:8px 32px 16px}
.verdict{display:inline-block;margin:4px 0;padding:6px 12px;border-radius:6px;font-weight:600;font-size:16px}
.verdict.ok{background:#1f883d}.verdict.bad{background:#cf222e}
.stats{color:#c9d1d9;margin:8px 0 0}
.heatmap{border-collapse:collapse;background:#fff}
.heatmap th,.heatmap td{border:1px solid #d0d7de;padding:0}
.heatmap th{font-weight:500;padding:4px 8px;text-align:left;white-space:nowrap}
.heatmap th.col{height:110px;vertical-align:bottom;padding:4px 2px}
.heatmap th.col span{writing-mode:vertical-rl;transform:rotate(180deg)}
.heatmap th.zone{text-align:center;background:#eaeef2}
.heatmap td.cell{width:28px;height:28px;min-width:28px;text-align:center;font-size:11px}
.heatmap td.none{background:#fff}.heatmap td.own{background:#9ecbff}.heatmap td.cross{background:#cf222e;color:#fff;font-weight:700}
.heatmap .zb{border-left:4px solid #1c2330}.heatmap tr.zb-row>*{border-top:4px solid #1c2330}
.legend{margin-top:8px}.swatch{display:inline-block;width:14px;height:14px;border:1px solid #d0d7de;vertical-align:middle;margin:0 4px 0 12px}
.swatch.own{background:#9ecbff}.swatch.cross{background:#cf222e}.swatch.none{background:#fff}
.finding{background:#fff;border:1px solid #d0d7de;border-left:6px solid #cf222e;border-radius:6px;padding:8px 16px;margin:10px 0}
.finding.warning{border-left-color:#bf8700}
.finding h3{margin:4px 0;font-size:15px}.badge{text-transform:uppercase;font-size:11px;padding:2px 6px;border-radius:4px;background:#cf222e;color:#fff}
.finding.warning .badge{background:#bf8700}
.path{font-family:ui-monospace,monospace;font-size:12px;color:#57606a}
.rules{border-collapse:collapse;background:#fff}.rules td,.rules th{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
.none-found{color:#1f883d;font-weight:600}
`;
