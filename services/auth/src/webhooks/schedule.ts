/**
 * Delays before each attempt, Svix's schedule (docs/adr/0034): immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h — eight attempts over about 27.6 hours. `scale` shrinks it for tests (WEBHOOKS_RETRY_SCALE).
 */
export const RETRY_SCHEDULE_MS = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
] as const;

/** An endpoint whose deliveries all failed for this long is disabled and its owner told. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600_000;

/** Milliseconds until attempt number `done + 1` of a schedule, or undefined when all were spent. */
export function delayBeforeAttempt(done: number, scale: number): number | undefined {
  const delay = RETRY_SCHEDULE_MS[done];
  return delay === undefined ? undefined : Math.round(delay * scale);
}
