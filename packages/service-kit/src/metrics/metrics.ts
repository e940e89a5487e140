import type { Handler } from "hono";
import { collectDefaultMetrics, Registry } from "prom-client";
import { httpMetrics } from "./http.ts";

export { Registry } from "prom-client";

// Default metrics dropped from the registry. The event-loop histogram ones come from
// perf_hooks.monitorEventLoopDelay, which Bun does not implement: they read NaN or 9.2e9 there (the timer
// based `nodejs_eventloop_lag_seconds` stays and is correct). The `*_total` gauges break the naming rule
// `promtool check metrics` enforces (`_total` is for counters); the per-type `nodejs_active_*` gauges stay.
const DROPPED_DEFAULT_METRICS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
  "nodejs_eventloop_lag_min_seconds",
  "nodejs_eventloop_lag_max_seconds",
  "nodejs_eventloop_lag_mean_seconds",
  "nodejs_eventloop_lag_stddev_seconds",
  "nodejs_eventloop_lag_p50_seconds",
  "nodejs_eventloop_lag_p90_seconds",
  "nodejs_eventloop_lag_p99_seconds",
];

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  service: string;
  /** The service's own registry (never prom-client's global one); a new one when omitted. */
  registry?: Registry;
}

/** What {@link createMetrics} returns. */
export interface Metrics {
  registry: Registry;
  /** A request was accepted (`http_requests_in_flight` up). */
  started(): void;
  /** A request was answered: in-flight down, counted and timed under its route template. */
  finished(method: string, status: number, route: string, seconds: number): void;
  /** Serves the registry in the Prometheus text format. */
  handler: Handler;
}

/**
 * RED metrics (`http_requests_total`, `http_request_duration_seconds`) by method, status and route
 * template, `http_requests_in_flight` (saturation: requests accepted and not yet answered), plus the
 * default process metrics, in a per-service registry with a `service` default label: in the embedded mode
 * several services share one process, and each must expose only its own series.
 */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = opts.registry ?? new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (!registry.getSingleMetric("process_cpu_seconds_total")) {
    collectDefaultMetrics({ register: registry });
    for (const name of DROPPED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  }
  const http = httpMetrics(registry);
  return {
    registry,
    started: http.started,
    finished: http.finished,
    handler: async (c) => {
      c.header("Content-Type", registry.contentType);
      return c.body(await registry.metrics());
    },
  };
}
