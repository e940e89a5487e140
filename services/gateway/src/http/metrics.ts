import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Upstream call outcomes: the response's status class, or why there was none. */
export type UpstreamOutcome =
  | "1xx"
  | "2xx"
  | "3xx"
  | "4xx"
  | "5xx"
  | "connect_error"
  | "timeout"
  | "client_gone";

const OUTCOMES: readonly UpstreamOutcome[] = [
  "1xx",
  "2xx",
  "3xx",
  "4xx",
  "5xx",
  "connect_error",
  "timeout",
  "client_gone",
];
const STATUS_CLASSES: readonly UpstreamOutcome[] = ["1xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

/** The status class of an HTTP status (`204` → `2xx`). */
export function statusClass(status: number): UpstreamOutcome {
  return STATUS_CLASSES[Math.floor(status / 100)] ?? "5xx";
}

function metric<T>(registry: Registry, name: string, make: () => T): T {
  // Tests build several apps on one registry; prom-client refuses a second metric of the same name.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Seconds from sending a request upstream to its response headers, by upstream and outcome. */
export function upstreamLatency(
  registry: Registry,
  upstream: string,
): (outcome: UpstreamOutcome, seconds: number) => void {
  const histogram = metric(
    registry,
    "gateway_upstream_duration_seconds",
    () =>
      new Histogram({
        name: "gateway_upstream_duration_seconds",
        help: "Time from forwarding a request to the upstream's response headers (or failure), by upstream and outcome",
        labelNames: ["upstream", "outcome"] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  );
  // Children made once: labelling per request would hash the label set every time.
  const children = new Map(OUTCOMES.map((outcome) => [outcome, histogram.labels({ upstream, outcome })]));
  return (outcome, seconds) => children.get(outcome)?.observe(seconds);
}

/** The rate limiter's metrics: refusals by policy, and whether the shared store is in use. */
export function rateLimitMetrics(registry: Registry): {
  refused: (policy: string) => void;
  shared: (inUse: boolean) => void;
} {
  const refusals = metric(
    registry,
    "gateway_rate_limited_total",
    () =>
      new Counter({
        name: "gateway_rate_limited_total",
        help: "Requests refused with 429 by the gateway's rate limiter, by policy",
        labelNames: ["policy"] as const,
        registers: [registry],
      }),
  );
  const store = metric(
    registry,
    "gateway_rate_limit_shared_store",
    () =>
      new Gauge({
        name: "gateway_rate_limit_shared_store",
        help: "1 while rate-limit counters are shared through Redis, 0 while this instance counts in memory",
        registers: [registry],
      }),
  );
  return {
    refused: (policy) => refusals.inc({ policy }),
    shared: (inUse) => store.set(inUse ? 1 : 0),
  };
}
