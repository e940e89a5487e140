import { isEventType } from "@payments/contracts";
import { Counter, Registry } from "prom-client";

/** Outcome label of `events_consumed_total`. */
export type ConsumeOutcome = "ack" | "retry" | "dead_letter";

/** The counters every bus implementation increments, so dashboards do not care which bus runs. */
export interface BusMetrics {
  published(type: string): void;
  consumed(queue: string, type: string, outcome: ConsumeOutcome): void;
}

/**
 * Returns `name` from `registry` when an earlier bus (or a second bus in the same process, as in the embedded
 * mode or tests) registered it, else registers it; prom-client throws on duplicate registration.
 */
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

/**
 * Label value for a routing key: only registered event types, so a stream of garbage routing keys cannot
 * blow up the series count.
 */
export function typeLabel(routingKey: string): string {
  return isEventType(routingKey) ? routingKey : "unknown";
}

/** Creates (or reuses) the bus counters on `registry` (default: a private one, never prom-client's global registry). */
export function createBusMetrics(registry: Registry = new Registry()): BusMetrics {
  const published = counter(registry, "events_published_total", "Events accepted by the event bus", ["type"]);
  const consumed = counter(registry, "events_consumed_total", "Event deliveries by queue and outcome", [
    "queue",
    "type",
    "outcome",
  ]);
  return {
    published: (type) => published.inc({ type: typeLabel(type) }),
    consumed: (queue, type, outcome) => consumed.inc({ queue, type: typeLabel(type), outcome }),
  };
}
