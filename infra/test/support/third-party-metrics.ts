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

/**
 * postgres_exporter (compose: prometheuscommunity/postgres-exporter v0.15.0). Read from Debian bookworm's
 * prometheus-postgres-exporter 0.11.1 against this machine's Postgres 15; infra/test/exporters.test.ts runs
 * that build and checks each of these names is served.
 */
export const POSTGRES_EXPORTER = [
  "pg_up",
  "pg_settings_max_connections",
  "pg_stat_activity_count",
  "pg_stat_activity_max_tx_duration",
  "pg_stat_database_numbackends",
  "pg_stat_database_xact_commit",
  "pg_stat_database_xact_rollback",
  "pg_stat_database_blks_hit",
  "pg_stat_database_blks_read",
  "pg_stat_database_tup_inserted",
  "pg_stat_database_tup_updated",
  "pg_stat_database_tup_deleted",
  "pg_stat_database_deadlocks",
  "pg_database_size_bytes",
  "pg_locks_count",
];

/** redis_exporter (compose: oliver006/redis_exporter v1.62.0). Read from Debian's 1.45.0 against Redis 7.0. */
export const REDIS_EXPORTER = [
  "redis_up",
  "redis_memory_used_bytes",
  "redis_memory_max_bytes",
  "redis_keyspace_hits_total",
  "redis_keyspace_misses_total",
  "redis_db_keys",
  "redis_commands_processed_total",
  "redis_evicted_keys_total",
  "redis_expired_keys_total",
  "redis_connected_clients",
];

/** Every metric name exported by third parties that our queries may reference, with its exporter. */
export const THIRD_PARTY_METRICS: ReadonlyMap<string, string> = new Map([
  ...PROMETHEUS.map((name) => [name, "prometheus"] as const),
  ...RABBITMQ_AGGREGATED.map((name) => [name, "rabbitmq_prometheus /metrics"] as const),
  ...RABBITMQ_DETAILED.map((name) => [name, "rabbitmq_prometheus /metrics/detailed"] as const),
  ...POSTGRES_EXPORTER.map((name) => [name, "postgres_exporter"] as const),
  ...REDIS_EXPORTER.map((name) => [name, "redis_exporter"] as const),
]);
