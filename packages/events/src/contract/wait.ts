/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 10 s: longer than any retry schedule the contract uses). */
  timeoutMs?: number;
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
  /** Named in the timeout error, so a failing test says what never happened. */
  description?: string;
}

/**
 * Polls `condition` until it holds, failing after a deadline. Tests wait for what they expect instead of
 * sleeping, and a broker-backed bus can build its `settle()` from it (e.g. until its queues are empty and no
 * handler runs).
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 10, description = "condition" }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await Bun.sleep(intervalMs);
  }
}
