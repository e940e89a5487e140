import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  type IRateLimiterOptions,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";

/** Limits on requests that send mail (password reset, verification resend). */
export interface MailThrottleLimits {
  /** Per e-mail address (or account) per hour: one mailbox cannot be flooded. */
  perAddressHour: number;
  /** Per client address per hour: one client cannot mail everyone. */
  perIpHour: number;
}

/** Production defaults. */
export const DEFAULT_MAIL_THROTTLE_LIMITS: MailThrottleLimits = { perAddressHour: 5, perIpHour: 50 };

/** What the mail-sending routes count. */
export type MailRequestKind = "forgot" | "resend";

/** Throttle of the mail-sending routes, per address and per client address. */
export interface MailThrottle {
  /**
   * Counts one request of `kind` for `address` from `ip`; seconds to wait when either limit is spent
   * (nothing is sent then). An unknown address counts like a known one, so the limit reveals nothing.
   */
  consume(kind: MailRequestKind, address: string, ip: string): Promise<number | undefined>;
}

const HOUR = 3600;

/** Keys hold a hash, not the address: Redis then stores no personal data. */
function addressKey(address: string): string {
  return new Bun.CryptoHasher("sha256").update(address).digest("base64url").slice(0, 22);
}

/**
 * Builds the throttle on rate-limiter-flexible like the login throttle (`throttle.ts`): Redis counters
 * shared by every instance with an in-memory insurance limiter while Redis is down, or memory only.
 */
export function createMailThrottle(opts: {
  limits: MailThrottleLimits;
  redis?: Redis | undefined;
  keyPrefix?: string;
  logger: Pick<Logger, "warn">;
}): MailThrottle {
  const prefix = opts.keyPrefix ?? "auth";
  const make = (name: string, options: IRateLimiterOptions): RateLimiterAbstract => {
    const keyPrefix = `${prefix}:${name}`;
    const memory = new RateLimiterMemory({ ...options, keyPrefix });
    if (!opts.redis) return memory;
    return new RateLimiterRedis({
      ...options,
      keyPrefix,
      storeClient: opts.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const limiters = {
    forgot: {
      address: make("mail:forgot:address", { points: opts.limits.perAddressHour, duration: HOUR }),
      ip: make("mail:forgot:ip", { points: opts.limits.perIpHour, duration: HOUR }),
    },
    resend: {
      address: make("mail:resend:address", { points: opts.limits.perAddressHour, duration: HOUR }),
      ip: make("mail:resend:ip", { points: opts.limits.perIpHour, duration: HOUR }),
    },
  };
  const take = async (limiter: RateLimiterAbstract, key: string): Promise<number | undefined> => {
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext / 1000;
      // Both Redis and the insurance limiter failed: let this one through rather than refuse everyone.
      opts.logger.warn({ err: rejection }, "mail throttle store failed");
      return undefined;
    }
  };
  return {
    async consume(kind, address, ip) {
      const { address: perAddress, ip: perIp } = limiters[kind];
      const waits = await Promise.all([take(perAddress, addressKey(address)), take(perIp, ip)]);
      const defined = waits.filter((w): w is number => w !== undefined);
      return defined.length > 0 ? Math.max(...defined) : undefined;
    },
  };
}
