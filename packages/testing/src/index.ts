export { readTestEnv, type TestEnv } from "./config.ts";
export { freePort } from "./free-port.ts";
export { captureLogger, type LogLine } from "./logs.ts";
export {
  type PrivatePostgres,
  type PrivatePostgresOptions,
  postgresBinaries,
  startPrivatePostgres,
} from "./private-postgres.ts";
export {
  type PrivateRedis,
  type PrivateRedisOptions,
  redisServerBinary,
  startPrivateRedis,
} from "./private-redis.ts";
export { createTestDatabase, isCI, realServer, type ServerKind, type TestDatabase } from "./servers.ts";
export { startTestCaddy, type TestCaddy, type TestCaddyOptions } from "./test-caddy.ts";
