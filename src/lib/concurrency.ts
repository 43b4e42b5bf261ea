/**
 * Runs `task` over `items` with at most `limit` of them in flight at once. After a failure no
 * new task starts, and the first error is thrown only once every running task has settled,
 * so that the caller's clean-up never races a task that is still writing.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failed === undefined) {
      try {
        await task(items[next++] as T);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed.error;
}

/**
 * A bound on work in flight that follows the server's answers: it halves when the server says
 * it is overloaded (at most once per `cooldownMs`, never below `min`) and grows by one after
 * as many unthrottled completions as the current bound (additive increase, multiplicative
 * decrease), never above `max`.
 */
export class AdaptiveLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private successes = 0;
  private lastSlowDown = Number.NEGATIVE_INFINITY;
  /** The current bound, and the lowest it reached. */
  current: number;
  lowest: number;

  constructor(
    private readonly max: number,
    private readonly min = 2,
    private readonly cooldownMs = 1000,
  ) {
    this.current = max;
    this.lowest = max;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= this.current) await new Promise<void>((start) => this.waiting.push(start));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.wakeUp();
    }
  }

  /** The server answered "too many requests" during a task. */
  slowDown(now = performance.now()): void {
    this.successes = 0;
    if (now - this.lastSlowDown < this.cooldownMs) return;
    this.lastSlowDown = now;
    this.current = Math.max(this.min, Math.floor(this.current / 2));
    this.lowest = Math.min(this.lowest, this.current);
  }

  /** A task completed without being throttled. */
  speedUp(): void {
    this.successes += 1;
    if (this.successes < this.current || this.current >= this.max) return;
    this.successes = 0;
    this.current += 1;
    this.wakeUp();
  }

  private wakeUp(): void {
    for (let free = this.current - this.running; free > 0 && this.waiting.length > 0; free--)
      this.waiting.shift()?.();
  }
}
