/** The cost report's HTML page as a person sees it in Chromium (screenshots kept in test-results/). */
import type { Browser } from "playwright-core";
import { launchChromium, openReport } from "../support/chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCostHtml } from "../../src/cost/format/html.js";
import { usd } from "../../src/cost/money.js";
import { priceTable } from "../../src/cost/prices.js";
import { costReport } from "../../src/cost/report.js";
import { platform } from "../support/platforms.js";

describe("cost's HTML report, in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the verdict, a pair of bars per tenant, the growth curves and the unconfirmed prices", async () => {
    const { model } = platform("example");
    const prices = priceTable(model.cluster.region);
    if (prices === undefined) throw new Error("no prices");
    const report = costReport(model, prices, {
      region: model.cluster.region,
      sharing: "proportional",
      chargebackLabel: "cost-center",
    });
    const { page, requests } = await openReport(
      browser,
      formatCostHtml(report, "2026-11-30T00:00:00Z"),
      "cost-report",
    );
    expect(requests, "self-contained").toEqual([]);
    await expect(page.locator("#verdict").innerText()).resolves.toContain(
      `Shared platform ${usd(report.total)} per month`,
    );
    // A platform bar and a baseline bar per tenant, as wide as their costs are to each other.
    const bars = page.locator("#per-tenant-chart rect");
    await expect(bars.count()).resolves.toBe(2 * report.tenants.length);
    const widths = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("width"))));
    const shown = [...report.tenants].sort(
      (a, b) => Math.max(b.total, b.baseline) - Math.max(a.total, a.baseline),
    );
    const first = shown[0];
    if (first === undefined) throw new Error("no tenant");
    expect((widths[0] ?? 0) / (widths[1] ?? 1)).toBeCloseTo(first.total / first.baseline, 2);
    // The growth chart: two curves over the same fleet sizes, from 1 to twice today.
    const curves = page.locator("#growth-chart polyline");
    await expect(curves.count()).resolves.toBe(2);
    const points = await curves.first().getAttribute("points");
    expect(points?.split(" ").length).toBe(report.growth.length);
    expect(report.growth.at(-1)?.tenants).toBe(2 * report.tenants.length);
    // Unconfirmed prices are flagged where the reader sees them.
    const flagged = await page.locator("#prices tr.unconfirmed").count();
    expect(flagged).toBe(report.prices.filter((p) => !p.confirmed).length);
    await expect(page.locator("#tenants tr.total").innerText()).resolves.toContain(usd(report.total));
    await page.close();
  });
});
