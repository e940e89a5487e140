import { Counter, Histogram, type Registry } from "prom-client";

/** The cache's Prometheus metrics, labelled by cache namespace. */
export interface CacheMetrics {
  /** `cache_requests_total{cache, result="hit"|"miss"|"error"}`: every lookup (get, and wrap's lookup). */
  requests: Counter<"cache" | "result">;
  /** `cache_errors_total{cache, operation}`: every backend operation that failed. */
  errors: Counter<"cache" | "operation">;
  /** `cache_load_duration_seconds{cache}`: time spent in `wrap`'s loader on a miss. */
  loadDuration: Histogram<"cache">;
}

/**
 * A metric from `registry` by name, created when absent. Several caches (one per namespace) share one
 * registry, and `register` throws on a duplicate name, so an existing metric is reused.
 */
function reuse<M>(
  registry: Registry,
  name: string,
  isKind: (metric: unknown) => metric is M,
  create: () => M,
): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (isKind(existing)) return existing;
  throw new Error(`metric ${name} is already registered with a different type`);
}

/** Gets or registers the cache metrics on `registry`. */
export function cacheMetrics(registry: Registry): CacheMetrics {
  const registers = [registry];
  return {
    requests: reuse(
      registry,
      "cache_requests_total",
      (metric): metric is Counter<"cache" | "result"> => metric instanceof Counter,
      () =>
        new Counter({
          name: "cache_requests_total",
          help: "Cache lookups by result (hit, miss, error).",
          labelNames: ["cache", "result"] as const,
          registers,
        }),
    ),
    errors: reuse(
      registry,
      "cache_errors_total",
      (metric): metric is Counter<"cache" | "operation"> => metric instanceof Counter,
      () =>
        new Counter({
          name: "cache_errors_total",
          help: "Cache backend operations that failed (the caller saw a miss or a dropped write).",
          labelNames: ["cache", "operation"] as const,
          registers,
        }),
    ),
    loadDuration: reuse(
      registry,
      "cache_load_duration_seconds",
      (metric): metric is Histogram<"cache"> => metric instanceof Histogram,
      () =>
        new Histogram({
          name: "cache_load_duration_seconds",
          help: "Time spent loading a value on a cache miss in wrap().",
          labelNames: ["cache"] as const,
          buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers,
        }),
    ),
  };
}
