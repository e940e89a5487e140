/**
 * A periodic garbage collection while an embedded database is open (ADR 0025, amended). Every PGlite
 * statement leaves 20–100 KB of memory outside the JS heap (measured: 2,000 queries grew RSS by 76 MB raw,
 * 213 MB through drizzle, all returned by one collection), which JSC's heuristics do not count.
 * - Every few seconds the collector asks for a concurrent collection (`Bun.gc(false)`: it returns in ~0.2 ms).
 *   That kept an idle platform (four outbox relays polling, ~30 statements/s) at 352–399 MB.
 * - Under load it does not keep up: in a 30-minute soak (8 creates/s) the platform's RSS climbed ~50 MB a
 *   minute between JSC's own full collections and swung between 620 and 910 MB. So when the resident size
 *   has grown by {@link FULL_AFTER_GROWTH_BYTES} since the last full collection, the tick runs a full one
 *   (`Bun.gc(true)`, synchronous: the event loop waits for it) and measures from what is left after it.
 */

/** How often the collector runs while any embedded database is open. */
export const COLLECT_EVERY_MS = 5_000;
/** Growth of the resident size since the last full collection that makes the next tick a full one. */
export const FULL_AFTER_GROWTH_BYTES = 48 * 1024 * 1024;

/** What a tick reads and calls: the process's by default, a test's own in tests. */
export interface CollectorHooks {
  rss(): number;
  gc(full: boolean): void;
}

const processHooks: CollectorHooks = {
  rss: () => process.memoryUsage.rss(),
  gc: (full) => {
    Bun.gc(full);
  },
};

/** One tick's decision: a full collection once RSS has grown past `baseline + growth`; returns the new baseline. */
export function collectOnce(
  hooks: CollectorHooks,
  baseline: number,
  growth = FULL_AFTER_GROWTH_BYTES,
): number {
  if (hooks.rss() - baseline < growth) {
    hooks.gc(false);
    return baseline;
  }
  hooks.gc(true);
  return hooks.rss();
}

let holders = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Starts the collector (once per process, however many databases hold it); the returned call releases it. */
export function holdCollector(everyMs = COLLECT_EVERY_MS, hooks: CollectorHooks = processHooks): () => void {
  holders += 1;
  if (!timer) {
    let baseline = hooks.rss();
    timer = setInterval(() => {
      baseline = collectOnce(hooks, baseline);
    }, everyMs);
    // Never the reason the process stays up.
    timer.unref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders -= 1;
    if (holders === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Whether the collector is running (tests). */
export function collectorRunning(): boolean {
  return timer !== undefined;
}
