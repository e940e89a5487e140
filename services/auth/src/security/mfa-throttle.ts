import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

/**
 * Wrong second-factor codes per account (docs/adr/0018): counted over every challenge and the account pages
 * (enable, disable, new recovery codes), so neither signing in again for a fresh challenge nor a stolen
 * access token can be turned into unlimited guesses. Shared through Redis like the login throttle.
 */
export interface MfaThrottle {
  /** Seconds to wait when `userId` has had `limit` wrong codes this hour; undefined when it may try. */
  refusal(userId: string, limit: number): Promise<number | undefined>;
  /** Counts a wrong or replayed code. */
  failed(userId: string): Promise<void>;
}

/** Options of {@link createMfaThrottle}. */
export interface MfaThrottleOptions {
  /** Shared counters across instances; without it, counters live in this process. */
  redis?: Redis | undefined;
  /** Prefix of every key (tests use a unique one). */
  keyPrefix?: string;
  logger: Pick<Logger, "warn">;
}

const HOUR = 3600;

/**
 * Builds the throttle on rate-limiter-flexible: one hourly counter per user id (ids are not personal data),
 * Redis-backed with an in-memory insurance limiter while Redis is unreachable. The limit is read per call
 * (settings), so the counter itself is unbounded.
 */
export function createMfaThrottle(opts: MfaThrottleOptions): MfaThrottle {
  const keyPrefix = `${opts.keyPrefix ?? "auth"}:mfa:account`;
  const options = { points: 1_000_000, duration: HOUR, keyPrefix };
  const memory = new RateLimiterMemory(options);
  const limiter: RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({
        ...options,
        storeClient: opts.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  const warn = (err: unknown, what: string) => opts.logger.warn({ err, what }, "mfa throttle store failed");
  return {
    async refusal(userId, limit) {
      try {
        const res = await limiter.get(userId);
        if (res && res.consumedPoints >= limit && res.msBeforeNext > 0) return res.msBeforeNext / 1000;
        return undefined;
      } catch (err) {
        // Both Redis and the insurance limiter failed: the per-challenge limit still holds.
        warn(err, "refusal");
        return undefined;
      }
    },
    async failed(userId) {
      try {
        await limiter.penalty(userId);
      } catch (err) {
        warn(err, "failed");
      }
    },
  };
}
