export { buildCache, FAILURE_LOG_INTERVAL_MS } from "./cache.ts";
export { type CacheMetrics, cacheMetrics } from "./metrics.ts";
export { type ThrottledLog, throttledLog } from "./throttle.ts";
export type { Cache, CacheBackend, CacheCommonOptions, CacheSetOptions, LoggerLike } from "./types.ts";
