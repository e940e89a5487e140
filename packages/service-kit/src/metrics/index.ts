export { createMetrics, type Metrics, type MetricsOptions, Registry } from "./metrics.ts";
