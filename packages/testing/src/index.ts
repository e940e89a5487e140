export { readTestEnv, type TestEnv } from "./config.ts";
export { captureLogger, type LogLine } from "./logs.ts";
export {
  type PrivatePostgres,
  type PrivatePostgresOptions,
  postgresBinaries,
  startPrivatePostgres,
} from "./private-postgres.ts";
export { createTestDatabase, isCI, realServer, type ServerKind, type TestDatabase } from "./servers.ts";
