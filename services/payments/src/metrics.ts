import { Counter, Histogram, type Registry } from "prom-client";

/** Business metrics of the payments service, registered on the service's registry. */
export interface PaymentMetrics {
  created: Counter<"currency">;
  succeeded: Counter<"currency">;
  failed: Counter<"currency" | "code">;
  canceled: Counter<"reason">;
  refunds: Counter<"currency" | "status">;
  /** Amounts in minor units of each currency, at creation. */
  amount: Histogram<"currency">;
  processorLatency: Histogram<"outcome">;
  idempotency: Counter<"outcome">;
  /** Reads served from the cache or loaded, by resource. */
  cacheLookups: Counter<"resource" | "result">;
}

/** Reuses a metric already on `registry` (a second app on one registry), or registers a new one. */
function metric<T>(registry: Registry, name: string, make: () => T): T {
  const existing = registry.getSingleMetric(name);
  return (existing as T | undefined) ?? make();
}

/** Creates (or finds) the payments metrics on `registry`. */
export function createPaymentMetrics(registry: Registry): PaymentMetrics {
  const registers = [registry];
  return {
    created: metric(
      registry,
      "payments_created_total",
      () =>
        new Counter({
          name: "payments_created_total",
          help: "Payments created",
          labelNames: ["currency"],
          registers,
        }),
    ),
    succeeded: metric(
      registry,
      "payments_succeeded_total",
      () =>
        new Counter({
          name: "payments_succeeded_total",
          help: "Payments the processor settled",
          labelNames: ["currency"],
          registers,
        }),
    ),
    failed: metric(
      registry,
      "payments_failed_total",
      () =>
        new Counter({
          name: "payments_failed_total",
          help: "Payments that failed, by failure code",
          labelNames: ["currency", "code"],
          registers,
        }),
    ),
    canceled: metric(
      registry,
      "payments_canceled_total",
      () =>
        new Counter({
          name: "payments_canceled_total",
          help: "Payments canceled, by reason",
          labelNames: ["reason"],
          registers,
        }),
    ),
    refunds: metric(
      registry,
      "payments_refunds_total",
      () =>
        new Counter({
          name: "payments_refunds_total",
          help: "Refunds by outcome",
          labelNames: ["currency", "status"],
          registers,
        }),
    ),
    amount: metric(
      registry,
      "payments_amount_minor_units",
      () =>
        new Histogram({
          name: "payments_amount_minor_units",
          help: "Amounts of created payments, in minor units of their currency",
          labelNames: ["currency"],
          buckets: [100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
          registers,
        }),
    ),
    processorLatency: metric(
      registry,
      "payments_processor_latency_seconds",
      () =>
        new Histogram({
          name: "payments_processor_latency_seconds",
          help: "Latency of processor calls, by outcome",
          labelNames: ["outcome"],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers,
        }),
    ),
    idempotency: metric(
      registry,
      "payments_idempotency_requests_total",
      () =>
        new Counter({
          name: "payments_idempotency_requests_total",
          help: "Requests with an idempotency key, by what happened (executed, replayed, mismatch, in_flight)",
          labelNames: ["outcome"],
          registers,
        }),
    ),
    cacheLookups: metric(
      registry,
      "payments_cache_lookups_total",
      () =>
        new Counter({
          name: "payments_cache_lookups_total",
          help: "Cached reads by resource (payment, list, report) and result (hit, miss)",
          labelNames: ["resource", "result"],
          registers,
        }),
    ),
  };
}
