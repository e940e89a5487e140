import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  type IRateLimiterOptions,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { type DelayPolicy, delayAfterFailures } from "../domain/throttle.ts";

/** Limits of the login and registration throttling. */
export interface ThrottleLimits extends DelayPolicy {
  /** Failed logins per account per hour before every attempt is refused until the window ends. */
  accountFailuresPerHour: number;
  /** Failed logins per client address per hour (high: many users may share one NAT address). */
  ipFailuresPerHour: number;
  registrationsPerIpHour: number;
}

/** The production defaults (ASVS 2.2.1: at most 100 failed attempts per hour on one account). */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  accountFailuresPerHour: 100,
  ipFailuresPerHour: 1000,
  freeFailures: 5,
  baseSeconds: 1,
  maxSeconds: 300,
  registrationsPerIpHour: 100,
};

/** Login and registration throttling, per account, per client address and per (account, address). */
export interface Throttle {
  /** Seconds to wait when a login for (account, ip) must be refused now; undefined when it may proceed. */
  loginRefusal(account: string, ip: string): Promise<number | undefined>;
  /** Counts a failed login (wrong password or unknown account alike). */
  loginFailed(account: string, ip: string): Promise<void>;
  /** A successful login ends the run of failures from that address (the hourly account count stays). */
  loginSucceeded(account: string, ip: string): Promise<void>;
  /** Counts a registration from `ip`; returns seconds to wait when over the limit. */
  registration(ip: string): Promise<number | undefined>;
}

/** Options of {@link createThrottle}. */
export interface ThrottleOptions {
  limits: ThrottleLimits;
  /** Shared counters across instances; without it, counters live in this process. */
  redis?: Redis;
  /** Prefix of every key (tests use a unique one). */
  keyPrefix?: string;
  logger: Pick<Logger, "warn">;
}

const HOUR = 3600;

/** Keys hold a hash, not the email: Redis then stores no personal data. */
function accountKey(account: string): string {
  return new Bun.CryptoHasher("sha256").update(account).digest("base64url").slice(0, 22);
}

/**
 * Builds the throttle on rate-limiter-flexible: Redis-backed counters (atomic Lua increments, shared by all
 * instances) with an in-memory insurance limiter that takes over while Redis is unreachable, or in-memory
 * counters only when no Redis is configured.
 */
export function createThrottle(opts: ThrottleOptions): Throttle {
  const prefix = opts.keyPrefix ?? "auth";
  const make = (name: string, options: IRateLimiterOptions): RateLimiterAbstract => {
    const keyPrefix = `${prefix}:${name}`;
    const memory = new RateLimiterMemory({ ...options, keyPrefix });
    if (!opts.redis) return memory;
    return new RateLimiterRedis({
      ...options,
      keyPrefix,
      storeClient: opts.redis,
      // Fail over to memory at once instead of queueing commands while Redis is down.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const { limits } = opts;
  const accountHour = make("login:account", { points: limits.accountFailuresPerHour, duration: HOUR });
  const ipHour = make("login:ip", { points: limits.ipFailuresPerHour, duration: HOUR });
  // A run of failures is forgotten an hour after it began, or at the first success.
  const streak = make("login:streak", { points: 1_000_000, duration: HOUR });
  const delay = make("login:delay", { points: 1, duration: 1 });
  const registrations = make("register:ip", { points: limits.registrationsPerIpHour, duration: HOUR });

  const exhausted = async (limiter: RateLimiterAbstract, key: string): Promise<number | undefined> => {
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= limiter.points && res.msBeforeNext > 0) return res.msBeforeNext / 1000;
    return undefined;
  };
  const blocked = async (limiter: RateLimiterAbstract, key: string): Promise<number | undefined> => {
    const res = await limiter.get(key);
    if (res && res.consumedPoints > limiter.points && res.msBeforeNext > 0) return res.msBeforeNext / 1000;
    return undefined;
  };
  const safely = async <T>(what: string, run: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      // Only reachable when both Redis and the insurance limiter failed; failing open for one request
      // beats refusing every login.
      opts.logger.warn({ err, what }, "throttle store failed");
      return fallback;
    }
  };

  return {
    async loginRefusal(account, ip) {
      const acct = accountKey(account);
      const pair = `${acct}:${ip}`;
      return safely(
        "loginRefusal",
        async () => {
          const waits = await Promise.all([
            exhausted(accountHour, acct),
            exhausted(ipHour, ip),
            blocked(delay, pair),
          ]);
          const defined = waits.filter((w): w is number => w !== undefined);
          return defined.length > 0 ? Math.max(...defined) : undefined;
        },
        undefined,
      );
    },
    async loginFailed(account, ip) {
      const acct = accountKey(account);
      const pair = `${acct}:${ip}`;
      await safely(
        "loginFailed",
        async () => {
          const [, , run] = await Promise.all([
            accountHour.penalty(acct),
            ipHour.penalty(ip),
            streak.penalty(pair),
          ]);
          const wait = delayAfterFailures(run.consumedPoints, limits);
          if (wait > 0) await delay.block(pair, Math.ceil(wait));
        },
        undefined,
      );
    },
    async loginSucceeded(account, ip) {
      const pair = `${accountKey(account)}:${ip}`;
      await safely("loginSucceeded", () => Promise.all([streak.delete(pair), delay.delete(pair)]), undefined);
    },
    async registration(ip) {
      return safely(
        "registration",
        async () => {
          try {
            await registrations.consume(ip);
            return undefined;
          } catch (rejection) {
            if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext / 1000;
            throw rejection;
          }
        },
        undefined,
      );
    },
  };
}
