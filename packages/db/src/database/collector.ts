/**
 * A periodic garbage collection while an embedded database is open (ADR 0025, amended by ADRs 0038, 0050).
 * Every PGlite statement leaves 20–100 KB of memory outside the JS heap (measured: 2,000 queries grew RSS by
 * 76 MB raw, 213 MB through drizzle, all returned by one collection), which JSC's heuristics do not count.
 * - Every few seconds the collector asks for a concurrent collection (`Bun.gc(false)`: it returns in ~0.2 ms).
 *   That kept an idle platform (four outbox relays polling, ~30 statements/s) at 352–399 MB.
 * - Under load it does not keep up: in a 30-minute soak (8 creates/s) the platform's RSS climbed ~50 MB a
 *   minute between JSC's own full collections and swung between 620 and 910 MB. So when the resident size
 *   has grown by {@link FULL_AFTER_GROWTH_BYTES} since the last full collection, the tick runs a full one
 *   (`Bun.gc(true)`, synchronous: the event loop waits for it) and measures from what is left after it.
 * - That still let the RSS ride up to 48 MB above the last collection's level between full collections 1–3
 *   minutes apart (soak median ~555 MB). A full collection at least once a minute, once the RSS has grown
 *   by {@link FULL_EVERY_MINUTE_AFTER_GROWTH_BYTES}, kept it ~30 MB lower (median 526 MB) for a 75–150 ms
 *   pause a minute under that load; an idle platform does not grow that much and pays nothing (ADR 0050).
 */

/** How often the collector runs while any embedded database is open. */
export const COLLECT_EVERY_MS = 5_000;
/** Growth of the resident size since the last full collection that makes the next tick a full one. */
export const FULL_AFTER_GROWTH_BYTES = 48 * 1024 * 1024;
/** Time since the last full collection after which a smaller growth makes the next tick a full one… */
export const FULL_AT_LEAST_EVERY_MS = 60_000;
/** …this much. */
export const FULL_EVERY_MINUTE_AFTER_GROWTH_BYTES = 8 * 1024 * 1024;

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

/** What the last full collection left (or the start): the resident size, and when (ms). */
export interface LastFull {
  rss: number;
  at: number;
}

/**
 * One tick's decision: a full collection once RSS has grown {@link FULL_AFTER_GROWTH_BYTES} past what the
 * last one left, or {@link FULL_EVERY_MINUTE_AFTER_GROWTH_BYTES} once {@link FULL_AT_LEAST_EVERY_MS} have
 * passed since it; else a concurrent one. Returns what the next tick measures from.
 */
export function collectOnce(hooks: CollectorHooks, last: LastFull, now: number): LastFull {
  const grown = hooks.rss() - last.rss;
  const due =
    grown >= FULL_AFTER_GROWTH_BYTES ||
    (now - last.at >= FULL_AT_LEAST_EVERY_MS && grown >= FULL_EVERY_MINUTE_AFTER_GROWTH_BYTES);
  if (!due) {
    hooks.gc(false);
    return last;
  }
  hooks.gc(true);
  return { rss: hooks.rss(), at: now };
}

let holders = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Starts the collector (once per process, however many databases hold it); the returned call releases it. */
export function holdCollector(everyMs = COLLECT_EVERY_MS, hooks: CollectorHooks = processHooks): () => void {
  holders += 1;
  if (!timer) {
    let last: LastFull = { rss: hooks.rss(), at: performance.now() };
    timer = setInterval(() => {
      last = collectOnce(hooks, last, performance.now());
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
