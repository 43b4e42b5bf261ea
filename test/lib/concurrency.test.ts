import { describe, expect, it } from "vitest";
import { AdaptiveLimit } from "../../src/lib/concurrency.js";

/** Holds `count` tasks open at once and reports the most that ran together. */
async function peakInFlight(limit: AdaptiveLimit, count: number): Promise<number> {
  let running = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: count }, () =>
      limit.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 1));
        running -= 1;
      }),
    ),
  );
  return peak;
}

describe("AdaptiveLimit", () => {
  it("never runs more tasks at once than its bound", async () => {
    expect(await peakInFlight(new AdaptiveLimit(4), 40)).toBe(4);
  });

  it("halves on throttling, at most once per cool-down, and never below its minimum", () => {
    const limit = new AdaptiveLimit(16, 2, 1000);
    limit.slowDown(0);
    limit.slowDown(10); // within the cool-down: the same burst of 429s
    expect(limit.current).toBe(8);
    limit.slowDown(2000);
    limit.slowDown(4000);
    limit.slowDown(6000);
    expect(limit.current).toBe(2);
    expect(limit.lowest).toBe(2);
  });

  it("grows back by one after as many unthrottled tasks as its bound, up to its maximum", async () => {
    const limit = new AdaptiveLimit(6, 2, 0);
    limit.slowDown(0);
    expect(limit.current).toBe(3);
    for (let i = 0; i < 3; i++) limit.speedUp();
    expect(limit.current).toBe(4);
    for (let i = 0; i < 100; i++) limit.speedUp();
    expect(limit.current).toBe(6);
    expect(await peakInFlight(limit, 30)).toBe(6);
  });

  it("holds the tasks already waiting to a bound lowered meanwhile", async () => {
    const limit = new AdaptiveLimit(8, 1, 0);
    const started: number[] = [];
    let running = 0;
    const tasks = Array.from({ length: 16 }, (_, i) =>
      limit.run(async () => {
        running += 1;
        started.push(running);
        if (i === 0) {
          limit.slowDown(0);
          limit.slowDown(1);
          limit.slowDown(2);
        }
        await new Promise((r) => setTimeout(r, 2));
        running -= 1;
      }),
    );
    await Promise.all(tasks);
    // THEN once lowered to 1, every task that starts later runs alone
    expect(started.slice(8).every((n) => n === 1)).toBe(true);
  });
});
