export { type HttpMetrics, httpMetrics } from "./http.ts";
export { createMetrics, type Metrics, type MetricsOptions, Registry } from "./metrics.ts";
export {
  createQueryMetrics,
  MAX_STATEMENT_LABELS,
  OTHER_STATEMENT,
  type QueryMetrics,
} from "./queries.ts";
