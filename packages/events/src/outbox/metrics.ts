import { Counter, Gauge, Registry } from "prom-client";

/** Series of the outbox relay, labelled by service (several services share one process in embedded mode). */
export interface OutboxMetrics {
  published(service: string, count: number): void;
  failed(service: string): void;
  lag(service: string, seconds: number): void;
}

function counter(registry: Registry, name: string, help: string): Counter<"service"> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames: ["service"], registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge<"service"> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, labelNames: ["service"], registers: [registry] });
}

/** Creates (or reuses) the outbox series on `registry` (default: a private one, never prom-client's global registry). */
export function createOutboxMetrics(registry: Registry = new Registry()): OutboxMetrics {
  const published = counter(registry, "outbox_published_total", "Outbox rows published and confirmed");
  const failures = counter(
    registry,
    "outbox_publish_failures_total",
    "Outbox relay passes that hit a failed publish (the rows are retried with backoff)",
  );
  const lag = gauge(
    registry,
    "outbox_lag_seconds",
    "Age of the oldest row published in the relay's last pass",
  );
  return {
    published: (service, count) => published.inc({ service }, count),
    failed: (service) => failures.inc({ service }),
    lag: (service, seconds) => lag.set({ service }, seconds),
  };
}
