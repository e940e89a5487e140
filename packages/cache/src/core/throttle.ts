import type { LoggerLike } from "./types.ts";

/** Logs a recurring failure at most once per interval, reporting how many were suppressed meanwhile. */
export interface ThrottledLog {
  /** Logs now, or counts the failure if one was logged within the interval. */
  failure(fields: Record<string, unknown>, message: string): void;
  /** Logs `message` at info if failures were logged since the last recovery (the outage is over). */
  recovered(fields: Record<string, unknown>, message: string): void;
}

/**
 * An outage makes every request fail; logging each would flood the logs exactly when they are needed, so
 * the first failure is logged at once and later ones are summarised.
 */
export function throttledLog(
  logger: LoggerLike,
  intervalMs: number,
  now: () => number = Date.now,
): ThrottledLog {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  let failing = false;
  return {
    failure(fields, message) {
      failing = true;
      const at = now();
      if (at - lastLoggedAt < intervalMs) {
        suppressed += 1;
        return;
      }
      logger.error({ ...fields, suppressed }, message);
      lastLoggedAt = at;
      suppressed = 0;
    },
    recovered(fields, message) {
      if (!failing) return;
      logger.info({ ...fields, suppressed }, message);
      failing = false;
      suppressed = 0;
      lastLoggedAt = Number.NEGATIVE_INFINITY;
    },
  };
}
