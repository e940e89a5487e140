import type { Cache, CacheCommonOptions } from "../core/types.ts";
import { createMemoryCache } from "../memory/memory.ts";
import { createRedisCache } from "../redis/redis.ts";

/** Options of {@link createCache}. */
export interface CreateCacheOptions extends CacheCommonOptions {
  /** `REDIS_URL`: Redis when set, the in-memory LRU (embedded default) when absent. */
  redisUrl?: string | undefined;
  /** In-memory only: entries kept before LRU eviction (default 10,000). */
  maxEntries?: number;
  /** Redis only: per-command timeout in ms (default 500). */
  commandTimeoutMs?: number;
}

/**
 * The cache a service should use: Redis when `redisUrl` is set, otherwise the in-memory LRU, which logs
 * once that it is the embedded default and not for production (ARCHITECTURE §2).
 */
export function createCache(opts: CreateCacheOptions): Cache {
  const { redisUrl, ...common } = opts;
  if (redisUrl !== undefined) return createRedisCache({ ...common, url: redisUrl });
  opts.logger.warn(
    { cache: opts.namespace },
    `cache ${opts.namespace}: in-memory LRU is the embedded default; not for production (set REDIS_URL)`,
  );
  return createMemoryCache(common);
}
