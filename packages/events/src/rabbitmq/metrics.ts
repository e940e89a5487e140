import { Counter, Gauge, Registry } from "prom-client";
import { type BusMetrics, createBusMetrics } from "../metrics/index.ts";

/** RabbitMQ-specific series, on top of the counters every bus shares ({@link BusMetrics}). */
export interface RabbitMetrics extends BusMetrics {
  poison(queue: string): void;
  retried(queue: string, delayMs: number): void;
  publishFailed(reason: "nack" | "connection" | "timeout" | "unavailable"): void;
  reconnected(): void;
  setConnected(connected: boolean): void;
  /** Stops reporting this bus's unconfirmed publishes (on close). */
  dispose(): void;
}

/** Every live bus's unconfirmed count per registry: several buses may share one (tests, embedded mode). */
const unconfirmedSources = new WeakMap<Registry, Set<() => number>>();

function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, registers: [registry] });
}

/**
 * Creates (or reuses, when a second bus shares the registry) the bus metrics. `unconfirmed` is read at
 * scrape time so the gauge never lags; with several buses on one registry it reports their sum.
 */
export function createRabbitMetrics(
  registry: Registry = new Registry(),
  unconfirmed: () => number,
): RabbitMetrics {
  const shared = createBusMetrics(registry);
  const poison = counter(
    registry,
    "events_poison_total",
    "Messages dead-lettered because they failed validation",
    ["queue"],
  );
  const retried = counter(
    registry,
    "events_retry_scheduled_total",
    "Failed deliveries sent to a retry queue",
    ["queue", "delay_ms"],
  );
  const publishFailures = counter(
    registry,
    "events_publish_failures_total",
    "Publishes the broker did not confirm (the outbox keeps the event and retries)",
    ["reason"],
  );
  const reconnects = counter(
    registry,
    "events_bus_reconnects_total",
    "Connections re-established after a loss",
    [],
  );
  const connected = gauge(registry, "events_bus_connected", "1 while the bus holds a broker connection");
  let sources = unconfirmedSources.get(registry);
  if (!sources) {
    const live = new Set<() => number>();
    sources = live;
    unconfirmedSources.set(registry, live);
    if (!registry.getSingleMetric("events_publish_unconfirmed")) {
      new Gauge({
        name: "events_publish_unconfirmed",
        help: "Publishes sent and awaiting the broker's confirm",
        registers: [registry],
        collect() {
          let total = 0;
          for (const source of live) total += source();
          this.set(total);
        },
      });
    }
  }
  sources.add(unconfirmed);
  const mine = sources;
  return {
    ...shared,
    poison: (queue) => poison.inc({ queue }),
    retried: (queue, delayMs) => retried.inc({ queue, delay_ms: String(delayMs) }),
    publishFailed: (reason) => publishFailures.inc({ reason }),
    reconnected: () => reconnects.inc(),
    setConnected: (value) => connected.set(value ? 1 : 0),
    dispose: () => mine.delete(unconfirmed),
  };
}
