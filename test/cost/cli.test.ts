/** `tenantctl cost` as a user runs it: every format, price overrides, and clear refusals. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli.js";

const example = new URL("../../examples/platform.yaml", import.meta.url).pathname;
const dir = () => mkdtempSync(join(tmpdir(), "tenantctl-cost-"));

describe("tenantctl cost", () => {
  it("prints each tenant against its baseline, the totals, break-even and nodes", async () => {
    const r = await run("cost", example);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cost of acme in eu-central-1 per month/);
    for (const t of ["ops", "globex", "initech", "umbrella"]) expect(r.out).toMatch(new RegExp(`\\n  ${t} `));
    expect(r.out).toMatch(/platform \$[\d,]+\.\d\d vs baseline \$[\d,]+\.\d\d/);
    expect(r.out).toContain("break-even:");
    expect(r.out).toContain("chargeback by label cost-center:");
    expect(r.out).toContain("cc-4711");
  });

  it("writes JSON whose cents add up, CSV with a row per tenant, and names unconfirmed prices", async () => {
    const json = JSON.parse((await run("cost", example, "--format", "json")).out);
    const tenants = json.tenants as { total: number }[];
    expect(tenants.reduce((n, t) => n + t.total, 0) + json.unallocated).toBe(json.total);
    expect(json.prices.some((p: { confirmed: boolean }) => !p.confirmed)).toBe(true);
    expect(json.prices.find((p: { key: string }) => p.key === "eks:control-plane-hour")).toMatchObject({
      usd: 0.1,
      confirmed: true,
      source: "https://aws.amazon.com/eks/pricing/",
    });
    const csv = (await run("cost", example, "--format", "csv")).out.trim().split("\n");
    expect(csv[0]).toMatch(/^tenant,zone,tier,/);
    expect(csv.filter((l) => /^(ops|globex|initech|umbrella),/.test(l))).toHaveLength(4);
  });

  it("takes negotiated prices from --prices, marked as the user's", async () => {
    const file = join(dir(), "prices.yaml");
    writeFileSync(file, "eks:control-plane-hour: 0\nec2:c7g.large: 0.01\n");
    const plain = JSON.parse((await run("cost", example, "--format", "json")).out);
    const cheap = JSON.parse((await run("cost", example, "--format", "json", "--prices", file)).out);
    expect(cheap.total).toBeLessThan(plain.total - 7300 + 1);
    expect(cheap.prices.find((p: { key: string }) => p.key === "ec2:c7g.large").source).toContain(
      "(override)",
    );
  });

  it("refuses an unpriced region, a price that is not a number, and an unknown format, with what to do", async () => {
    const region = await run("cost", example, "--region", "ap-south-2");
    expect(region.code).toBe(1);
    expect(region.err).toContain("cost/region-not-priced");
    const file = join(dir(), "bad.json");
    writeFileSync(file, JSON.stringify({ "nat:hour": "cheap" }));
    const bad = await run("cost", example, "--prices", file);
    expect(bad.err).toContain('"nat:hour" is "cheap", not a price in USD');
    const format = await run("cost", example, "--format", "pdf");
    expect(format.code).not.toBe(0);
  });

  it("writes the report to a file whole, with the text summary on stderr", async () => {
    const out = join(dir(), "cost.html");
    const r = await run("cost", example, "--format", "html", "--out", out);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>/);
    expect(r.err).toContain(`report written to ${out}`);
  });
});
