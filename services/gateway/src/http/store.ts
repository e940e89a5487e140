import type { HealthProbe, Logger, Shutdown } from "@payments/service-kit";
import { Redis } from "ioredis";

/**
 * The rate limiter's own Redis connection (it needs raw Lua counters, not the cache interface). No offline
 * queue and a short command timeout: while Redis is down or slow, a count fails at once and the in-memory
 * insurance limiter answers, instead of requests waiting on a reconnect. Auto-pipelining sends each sync's
 * increments (one per key) in one write. Its readiness probe is not critical: the gateway works without Redis.
 */
export function rateLimitRedis(
  url: string,
  logger: Logger,
  shutdown: Shutdown,
): { redis: Redis; probe: HealthProbe } {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 250,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
    connectionName: "gateway:rate-limit",
    // CLIENT SETINFO only exists from Redis 7.2; older servers would answer every handshake with an error.
    disableClientInfo: true,
  });
  // The limiter logs the fallback itself; this listener only keeps ioredis from reporting unhandled errors.
  redis.on("error", () => {});
  shutdown.add("gateway rate-limit redis", async () => {
    // A deliberate close is not an outage: no fallback warning for it.
    redis.removeAllListeners("close");
    redis.disconnect();
  });
  logger.info("rate limiting: counters shared through Redis");
  return {
    redis,
    probe: { name: "rate-limit redis", critical: false, timeoutMs: 1_000, run: () => redis.ping() },
  };
}
