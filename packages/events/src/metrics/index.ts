export { type BusMetrics, type ConsumeOutcome, createBusMetrics, typeLabel } from "./metrics.ts";
