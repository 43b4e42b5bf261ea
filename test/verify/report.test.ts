import type { Browser, Locator } from "playwright-core";
import { launchChromium, openReport } from "../support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/verify/engine.js";
import { formatHtml } from "../../src/verify/report/html.js";
import { formatSarif } from "../../src/verify/report/sarif.js";
import { formatText } from "../../src/verify/report/text.js";
import { editableCopy, push } from "../support/manifest-edit.js";
import { platform } from "../support/platforms.js";

interface Sarif {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation: { artifactLocation: unknown } }[];
    }[];
  }[];
}

const n8nPods = { matchLabels: { "app.kubernetes.io/name": "n8n" } };

/** The example with one breach: umbrella's n8n may connect to initech's n8n main and webhook. */
function breachedReport() {
  const { model, objects } = platform("example");
  const { objects: copy, find } = editableCopy(objects);
  push(find("tenants/umbrella/platform/networkpolicy-allow-n8n-to-data.yaml"), "spec.egress", {
    to: [{ namespaceSelector: {}, podSelector: n8nPods }],
  });
  push(find("tenants/initech/platform/networkpolicy-allow-ingress-to-n8n.yaml"), "spec.ingress", {
    from: [{ namespaceSelector: {}, podSelector: n8nPods }],
  });
  return verify({ model, objects: copy });
}

/** A computed CSS property of the element a locator finds (the tsconfig has no DOM types). */
function style(locator: Locator, property: string): Promise<string> {
  return locator.evaluate(
    (e, p) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(e)[
        p
      ] ?? "",
    property,
  );
}

describe("verify's HTML report, as a person sees it in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = (html: string, name: string) => openReport(browser, html, name);

  it("a breach: red verdict, the red cell in the heat map, the finding with its path and fix", async () => {
    const report = breachedReport();
    const { page, requests } = await open(formatHtml(report, "2026-11-21T00:00:00Z"), "verify-report-breach");
    expect(requests, "self-contained: no request leaves the page").toEqual([]);
    await expect(page.locator("#verdict").innerText()).resolves.toMatch(
      /^Isolation does NOT hold: \d+ errors?/,
    );
    const verdictColour = await style(page.locator("#verdict"), "backgroundColor");
    expect(verdictColour).toBe("rgb(207, 34, 46)");
    const breach = page.locator('td[data-from="umbrella"][data-to="initech"]');
    await expect(breach.innerText()).resolves.toBe("6");
    expect(await style(breach, "backgroundColor")).toBe("rgb(207, 34, 46)");
    const own = page.locator('td[data-from="ops"][data-to="ops"]');
    expect(await style(own, "backgroundColor")).toBe("rgb(158, 203, 255)");
    const quiet = page.locator('td[data-from="ops"][data-to="initech"]');
    await expect(quiet.innerText()).resolves.toBe("");
    // The zone boundary: a thick line left of the first internal tenant's column.
    const boundary = await style(page.locator('td[data-from="globex"][data-to="ops"]'), "borderLeftWidth");
    expect(boundary).toBe("4px");
    const finding = page
      .locator('article[data-rule="cross-tenant-traffic"]', {
        hasText: "tenant-umbrella/n8n-main[Deployment] (tenant umbrella)",
      })
      .first();
    await expect(finding.isVisible()).resolves.toBe(true);
    const text = await finding.innerText();
    expect(text).toContain("tenant-umbrella/n8n-main[Deployment]");
    expect(text).toContain("tenants/umbrella/platform/networkpolicy-allow-n8n-to-data.yaml");
    expect(text).toMatch(
      /egress of tenant-umbrella\/n8n-main\[Deployment\]: NetworkPolicy tenant-umbrella\/allow-n8n-to-data spec\.egress\[2\]\.to\[0\]/,
    );
    expect(text).toMatch(/Fix: /);
    await page.close();
  });

  it("a clean platform: green verdict, only the diagonal coloured, no finding", async () => {
    const report = verify(platform("example"));
    const { page } = await open(formatHtml(report, "2026-11-21T00:00:00Z"), "verify-report-clean");
    await expect(page.locator("#verdict").innerText()).resolves.toBe("Isolation holds: 0 errors, 0 warnings");
    const coloured = await page.locator("td.cell.cross").count();
    expect(coloured).toBe(0);
    expect(await page.locator("td.cell.own").count()).toBe(4);
    await expect(page.locator(".none-found").innerText()).resolves.toContain("No findings");
    await page.close();
  });
});

describe("verify's other formats", () => {
  it("text names the rule, the objects, the path and the fix, and the verdict last", () => {
    const text = formatText(breachedReport(), 12);
    expect(text).toMatch(
      /^error \[cross-tenant-traffic\] tenant-umbrella\/n8n-main\[Deployment\] \(tenant umbrella\) can connect to tenant-initech\/n8n-main\[Deployment\] \(tenant initech\): All Connections$/m,
    );
    expect(text).toMatch(
      /^ {2}path: {3}ingress of tenant-initech\/n8n-main\[Deployment\]: NetworkPolicy tenant-initech\/allow-ingress-to-n8n spec\.ingress\[1\]\.from\[0\]/m,
    );
    expect(text.trim().split("\n").at(-1)).toMatch(/^isolation does NOT hold: \d+ errors, 0 warnings$/);
  });

  it("SARIF 2.1.0: rules with stable ids, results located at the manifest files", () => {
    const sarif = JSON.parse(formatSarif(breachedReport(), "1.2.3")) as Sarif;
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules.map((r) => r.id)).toContain("cross-tenant-traffic");
    const result = run?.results.find((r) => r.ruleId === "cross-tenant-traffic");
    expect(result?.level).toBe("error");
    expect(run?.tool.driver.rules[result?.ruleIndex ?? -1]?.id).toBe("cross-tenant-traffic");
    const locations = (run?.results ?? [])
      .filter((r) => r.ruleId === "cross-tenant-traffic")
      .map((r) => r.locations[0]?.physicalLocation.artifactLocation);
    expect(locations).toContainEqual({
      uri: "tenants/umbrella/n8n/deployment-n8n-main.yaml",
      uriBaseId: "RENDERED",
    });
  });
});
