/** Reading a price, and the overrides of `--prices FILE` (a flat JSON or YAML map: key → USD). */
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { failure } from "../diagnostics/diagnostic.js";
import type { Price, PriceTable } from "./prices.js";

export function priceOf(table: PriceTable, key: string): number {
  const price = table[key];
  if (price === undefined) {
    throw failure(
      "cost/price-missing",
      `no price for "${key}" in the price table`,
      `add it with --prices FILE (a map such as {"${key}": 0.1}); the table's keys are listed by --format json`,
    );
  }
  return price.usd;
}

/** The table with the file's prices over it; each override is marked as the user's. */
export async function withOverrides(table: PriceTable, file: string): Promise<PriceTable> {
  let data: unknown;
  try {
    data = parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw failure(
      "cost/prices-unreadable",
      `cannot read ${file}: ${(cause as Error).message}`,
      "pass a JSON or YAML map of price keys to USD",
      cause,
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw failure(
      "cost/prices-unreadable",
      `${file} is not a map of price keys to USD`,
      'write e.g. {"ec2:m7g.large": 0.06}',
    );
  }
  const out: Record<string, Price> = { ...table };
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw failure(
        "cost/prices-unreadable",
        `${file}: "${key}" is ${JSON.stringify(value)}, not a price in USD`,
        "give a number, 0 or more",
      );
    }
    const known = table[key];
    if (known === undefined && !/^(ec2|rds|elasticache|spot-discount):/.test(key)) {
      throw failure(
        "cost/prices-unreadable",
        `${file}: "${key}" is not a price the cost model reads`,
        "use a key of the price table (see --format json)",
      );
    }
    out[key] = {
      usd: value,
      unit: known?.unit ?? "as given",
      source: `${file} (override)`,
      asOf: "as given",
      confirmed: true,
    };
  }
  return out;
}
