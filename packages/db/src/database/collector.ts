/**
 * A periodic garbage collection while an embedded database is open (ADR 0025). Every PGlite statement
 * leaves 20–100 KB of memory outside the JS heap (measured: 2,000 queries grew RSS by 76 MB raw, 213 MB
 * through drizzle, all returned by one collection), which JSC's heuristics do not count, so an idle platform
 * (four outbox relays polling, ~30 statements/s) swung between 363 and 447 MB before a collection came.
 * Asking for a collection every few seconds (`Bun.gc(false)`: it returns in ~0.2 ms and the collector runs
 * concurrently; a forced full one took 12–950 ms on this busy machine) kept it at 352–399 MB.
 */

/** How often the collector runs while any embedded database is open. */
export const COLLECT_EVERY_MS = 5_000;

let holders = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Starts the collector (once per process, however many databases hold it); the returned call releases it. */
export function holdCollector(everyMs = COLLECT_EVERY_MS): () => void {
  holders += 1;
  if (!timer) {
    timer = setInterval(() => Bun.gc(false), everyMs);
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
