export { readTestEnv, type TestEnv } from "./config.ts";
export { captureLogger, type LogLine } from "./logs.ts";
export { createTestDatabase, isCI, realServer, type ServerKind, type TestDatabase } from "./servers.ts";
