export {
  type Cache,
  type CacheCommonOptions,
  type CacheMetrics,
  type CacheSetOptions,
  cacheMetrics,
  type LoggerLike,
} from "./core/index.ts";
export { type CreateCacheOptions, createCache } from "./create/index.ts";
export { createMemoryCache, type MemoryCacheOptions } from "./memory/index.ts";
export { createRedisCache, type RedisCacheOptions } from "./redis/index.ts";
