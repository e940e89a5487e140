/** The progressive-delay part of the login throttling policy. */
export interface DelayPolicy {
  /** Failures in a row that cost nothing. */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones; doubles with every further failure. */
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * Seconds to wait before the next attempt after `consecutiveFailures` failures in a row: 0 while within
 * the free ones, then base, 2·base, 4·base… up to the maximum. A delay rather than a lock: the account
 * keeps working for its owner once the wait is over, so guessing cannot be turned into a lock-out.
 */
export function delayAfterFailures(consecutiveFailures: number, policy: DelayPolicy): number {
  const beyond = consecutiveFailures - policy.freeFailures;
  if (beyond <= 0) return 0;
  // Cap the exponent first: 2 ** 1000 is Infinity, and the cap is reached long before.
  return Math.min(policy.baseSeconds * 2 ** Math.min(beyond - 1, 30), policy.maxSeconds);
}
