import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";

/** The part of a rate-limiter-flexible limiter the gateway uses. */
export interface CountingLimiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/** Options of {@link createSyncedLimiter}. */
export interface SyncedLimiterOptions {
  points: number;
  durationSeconds: number;
  keyPrefix: string;
  redis: Redis;
  /** How often local counts are added to the shared ones (and the shared totals read back). */
  syncIntervalMs: number;
}

/**
 * A limiter that decides locally and agrees with the fleet through Redis every `syncIntervalMs` (the
 * `sync_rate` pattern of Kong's rate limiting). Each request costs an in-memory count; every interval, the
 * counts of each key since the last sync go to Redis in one atomic increment per key (rate-limiter-flexible's
 * `penalty`, the same Lua counter as `RateLimiterRedis`), and the fleet total that comes back replaces the
 * local count; a key new to an instance is first read from Redis. An instance may therefore overshoot a shared budget by what it admits in one interval — a few
 * requests at the platform's limits — in exchange for no Redis round trip per request: per-request counting
 * in Redis measured as costly as the rest of the proxy's hot path. While Redis is unreachable the increments
 * are dropped and every instance counts alone, as the insurance limiter would.
 */
export function createSyncedLimiter(opts: SyncedLimiterOptions): CountingLimiter & { sync(): Promise<void> } {
  const options = { points: opts.points, duration: opts.durationSeconds, keyPrefix: opts.keyPrefix };
  const local = new RateLimiterMemory(options);
  const shared = new RateLimiterRedis({ ...options, storeClient: opts.redis, rejectIfRedisNotReady: true });
  let unsynced = new Map<string, number>();
  const seeding = new Map<string, Promise<void>>();

  /** A key new to this instance starts from the fleet's count, not from zero (one read per key and window). */
  function seed(key: string): Promise<void> {
    let pending = seeding.get(key);
    if (!pending) {
      pending = shared
        .get(key)
        .then(async (fleet) => {
          if (fleet && fleet.msBeforeNext > 0) {
            await local.set(key, fleet.consumedPoints, fleet.msBeforeNext / 1000);
          }
        })
        .catch(() => undefined)
        .finally(() => seeding.delete(key));
      seeding.set(key, pending);
    }
    return pending;
  }

  async function syncKey(key: string, count: number): Promise<void> {
    const fleet = await shared.penalty(key, count);
    // Requests admitted here while the increment was on its way are not in the fleet total yet.
    const inFlight = unsynced.get(key) ?? 0;
    await local.set(key, fleet.consumedPoints + inFlight, Math.max(fleet.msBeforeNext, 1) / 1000);
  }

  async function sync(): Promise<void> {
    if (unsynced.size === 0) return;
    const batch = unsynced;
    unsynced = new Map();
    // Redis down: the local counts stand; the watcher of the connection says so in the log.
    await Promise.all([...batch].map(([key, count]) => syncKey(key, count).catch(() => undefined)));
  }

  let running = false;
  setInterval(() => {
    if (running) return;
    running = true;
    void sync().finally(() => {
      running = false;
    });
  }, opts.syncIntervalMs).unref();

  return {
    async consume(key) {
      if ((await local.get(key)) === null) await seed(key);
      const res = await local.consume(key);
      unsynced.set(key, (unsynced.get(key) ?? 0) + 1);
      return res;
    },
    sync,
  };
}
