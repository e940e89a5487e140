export { type CacheFactoryOptions, type MakeCache, runCacheContract } from "./cache-contract.ts";
export { metricValue } from "./metrics-reader.ts";
export { captureLogger, type LogLine, uniqueNamespace } from "./test-logger.ts";
