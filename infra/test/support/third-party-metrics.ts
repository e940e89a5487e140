/**
 * Metrics the dashboards and alert rules may use that our code does not export. Each group says who exports
 * it. The RabbitMQ names were read from a RabbitMQ 3.10.8 node with the rabbitmq_prometheus plugin on this
 * machine (`/metrics` and `/metrics/detailed?family=queue_coarse_metrics&family=queue_metrics`); the plugin
 * has kept these names since 3.8 (aggregated) and 3.10 (detailed), and compose runs 3.13.
 */

/** Prometheus itself: one `up` series per scrape target. */
const PROMETHEUS = ["up"];

/** RabbitMQ's prometheus plugin, aggregated endpoint `/metrics` (per node, no queue label). */
const RABBITMQ_AGGREGATED = [
  "rabbitmq_global_messages_routed_total",
  "rabbitmq_global_messages_confirmed_total",
  "rabbitmq_global_messages_unroutable_dropped_total",
  "rabbitmq_connections",
  "rabbitmq_channels",
  "rabbitmq_process_resident_memory_bytes",
  "rabbitmq_resident_memory_limit_bytes",
];

/** RabbitMQ's prometheus plugin, `/metrics/detailed` with families queue_coarse_metrics and queue_metrics. */
const RABBITMQ_DETAILED = [
  "rabbitmq_detailed_queue_messages",
  "rabbitmq_detailed_queue_messages_ready",
  "rabbitmq_detailed_queue_messages_unacked",
  "rabbitmq_detailed_queue_consumers",
];

/** Every metric name exported by third parties that our queries may reference, with its exporter. */
export const THIRD_PARTY_METRICS: ReadonlyMap<string, string> = new Map([
  ...PROMETHEUS.map((name) => [name, "prometheus"] as const),
  ...RABBITMQ_AGGREGATED.map((name) => [name, "rabbitmq_prometheus /metrics"] as const),
  ...RABBITMQ_DETAILED.map((name) => [name, "rabbitmq_prometheus /metrics/detailed"] as const),
]);
