import { ApiError, type KitEnv, kitMiddleware, type Logger } from "@payments/service-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { clientOrigin } from "./client-address.ts";
import type { Identify } from "./identity.ts";
import { rateLimitMetrics } from "./metrics.ts";
import { type CountingLimiter, createSyncedLimiter } from "./synced-limiter.ts";

/** Requests allowed per window, by policy (config.ts gives the production values). */
export interface RateLimits {
  /** Per user, for requests with a valid access token. */
  userPerWindow: number;
  /** Per client address, for requests without one. */
  ipPerWindow: number;
  /** Per client address on the sign-in routes (password guessing, account farming, refresh abuse). */
  authPerWindow: number;
  /** Window length in seconds (fixed windows, starting at a key's first request). */
  windowSeconds: number;
}

/**
 * `POST` routes that get the strict per-address policy whoever calls them: sign-in, and the routes that take
 * a mailed token or send mail (guessing tokens, mail bombing; auth limits them per address too, ADR 0017).
 */
export const AUTH_ROUTES: ReadonlySet<string> = new Set([
  "/api/auth/login",
  // The login's second step: guessing codes (auth limits them per challenge and account too, ADR 0018).
  "/api/auth/login/2fa",
  "/api/auth/register",
  "/api/auth/refresh",
  "/api/auth/password/forgot",
  "/api/auth/password/reset",
  "/api/auth/email/verify",
  "/api/auth/invitations/accept",
]);

export interface RateLimitOptions {
  limits: RateLimits;
  /** Shared counters, so every gateway instance enforces one limit; without it each counts alone. */
  redis?: Redis;
  /** Per-user keys; without it every request is counted by address. */
  identify?: Identify;
  trustedProxies: ReadonlySet<string>;
  logger: Logger;
  registry: Registry;
  /** Prefix of the Redis keys (tests use their own). */
  keyPrefix?: string;
  /** Milliseconds between syncs of the user and address counters with Redis (default 100). */
  syncIntervalMs?: number;
}

type Policy = "user" | "ip" | "auth";

/** Counts requests against their policy. */
export interface RateLimiter {
  /**
   * Counts the request under its policy: resolves with what to put in `RateLimit-*` (undefined when no store
   * could count it), rejects with a 429 `rate_limited` {@link ApiError} once the budget is spent.
   * `identity`: who the request is already known to be (an API key, `apk_…`: its own budget, docs/adr/0033).
   */
  check(c: Context, identity?: string): Promise<Granted | undefined>;
}

interface Limiter {
  policy: Policy;
  limiter: CountingLimiter;
  /** `RateLimit-Limit` value. */
  limitValue: string;
  /** `RateLimit-Policy` value, e.g. `600;w=60`. */
  description: string;
}

/** What a counted request may send back: the `RateLimit-*` fields of the policy it was counted under. */
export interface Granted {
  limiter: Limiter;
  res: RateLimiterRes;
}

function resetSeconds(res: RateLimiterRes): string {
  return String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
}

/** Writes the `RateLimit-*` fields (IETF draft) into `headers`, in place. */
export function writeRateLimitHeaders(headers: Headers, granted: Granted): void {
  headers.set("RateLimit-Limit", granted.limiter.limitValue);
  headers.set("RateLimit-Remaining", String(granted.res.remainingPoints));
  headers.set("RateLimit-Reset", resetSeconds(granted.res));
  headers.set("RateLimit-Policy", granted.limiter.description);
}

/**
 * Follows the shared store's connection: logs when counting falls back to this instance's memory and when
 * the shared counters are back, and keeps the `gateway_rate_limit_shared_store` gauge in step.
 */
function watchStore(redis: Redis, logger: Logger, shared: (inUse: boolean) => void): void {
  let inUse = redis.status === "ready";
  shared(inUse);
  const down = (err?: Error): void => {
    if (!inUse) return;
    inUse = false;
    shared(false);
    logger.warn(
      { err: err?.message },
      "rate limiting: Redis unreachable, counting in this instance's memory until it is back",
    );
  };
  redis.on("error", down);
  redis.on("close", () => down());
  redis.on("ready", () => {
    if (inUse) return;
    inUse = true;
    shared(true);
    logger.info("rate limiting: shared Redis counters in use");
  });
}

/**
 * Rate limiting at the edge, on rate-limiter-flexible, with counters shared by every gateway instance through
 * Redis. A request is counted per user when it carries a valid access token, per client address otherwise,
 * and per address on the sign-in routes with a stricter limit. The high-volume user and address policies
 * decide locally and sync with Redis every `syncIntervalMs` (see `createSyncedLimiter`); the sign-in policy
 * counts exactly, one atomic Redis increment per request, with an in-memory limiter of the same policy as
 * insurance that answers at once while Redis is down (`rejectIfRedisNotReady`). Every answer carries
 * `RateLimit-*` headers (IETF draft); refusals are 429 `rate_limited` with `Retry-After`.
 */
export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const { limits, redis } = opts;
  const metrics = rateLimitMetrics(opts.registry);
  const prefix = opts.keyPrefix ?? "gateway:rl";
  const make = (policy: Policy, points: number, exact: boolean): Limiter => {
    const options = { points, duration: limits.windowSeconds, keyPrefix: `${prefix}:${policy}` };
    const memory = new RateLimiterMemory(options);
    const synced =
      redis && !exact
        ? createSyncedLimiter({
            points,
            durationSeconds: limits.windowSeconds,
            keyPrefix: options.keyPrefix,
            redis,
            syncIntervalMs: opts.syncIntervalMs ?? 100,
          })
        : undefined;
    const limiter: CountingLimiter = synced
      ? synced
      : redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
            // Once a key is over its limit, refuse it from memory for the rest of the window: a flood then
            // costs Redis nothing.
            inMemoryBlockOnConsumed: points + 1,
          })
        : memory;
    return {
      policy,
      limiter,
      limitValue: String(points),
      description: `${points};w=${limits.windowSeconds}`,
    };
  };
  const byUser = make("user", limits.userPerWindow, false);
  const byIp = make("ip", limits.ipPerWindow, false);
  const auth = make("auth", limits.authPerWindow, true);
  if (redis) watchStore(redis, opts.logger, metrics.shared);
  else metrics.shared(false);

  return {
    async check(c, identity) {
      let limiter: Limiter;
      let key: string | undefined;
      if (c.req.method === "POST" && AUTH_ROUTES.has(c.req.path)) limiter = auth;
      else if (identity !== undefined) {
        key = identity;
        limiter = byUser;
      } else {
        key = opts.identify ? await opts.identify(c.req.header("authorization")) : undefined;
        limiter = key === undefined ? byIp : byUser;
      }
      key ??= clientOrigin(c, opts.trustedProxies).address ?? "unknown";
      try {
        return {
          limiter,
          res: await limiter.limiter.consume(key),
        };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          // Both Redis and the in-memory insurance failed: letting one request through beats refusing all.
          opts.logger.warn(
            { err: rejection, policy: limiter.policy },
            "rate limiter failed; request let through",
          );
          return undefined;
        }
        metrics.refused(limiter.policy);
        const reset = resetSeconds(rejection);
        throw new ApiError(
          429,
          "rate_limited",
          "rate_limited",
          "Too many requests; retry later.",
          undefined,
          {
            "Retry-After": reset,
            "RateLimit-Limit": limiter.limitValue,
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": reset,
            "RateLimit-Policy": limiter.description,
          },
        );
      }
    },
  };
}

/** The limiter as middleware, for the gateway's own `/api/*` routes (proxied ones call `check` themselves). */
export function rateLimitMiddleware(limiter: RateLimiter): MiddlewareHandler<KitEnv> {
  return kitMiddleware(async (c, next) => {
    const granted = await limiter.check(c);
    await next();
    if (granted) writeRateLimitHeaders(c.res.headers, granted);
  });
}
