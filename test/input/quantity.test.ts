import { describe, expect, it } from "vitest";
import { formatBytes, formatMillicores, parseQuantity } from "../../src/input/quantity.js";

describe("quantities", () => {
  it("reads decimal and binary suffixes and millicores", () => {
    expect(parseQuantity("500m")).toBeCloseTo(0.5);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(parseQuantity("10G")).toBe(10e9);
    expect(parseQuantity("1e3")).toBe(1000);
  });
  it("fails when the text is not a quantity", () => {
    expect(parseQuantity("ten")).toBeUndefined();
    expect(parseQuantity("5 Gi")).toBeUndefined();
    expect(parseQuantity("-1")).toBeUndefined();
  });
  it("formats like Kubernetes prints", () => {
    expect(formatMillicores(1500)).toBe("1500m");
    expect(formatMillicores(2000)).toBe("2");
    expect(formatBytes(8 * 2 ** 30)).toBe("8Gi");
    expect(formatBytes(1536 * 2 ** 20)).toBe("1536Mi");
  });
});
