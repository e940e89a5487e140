export { readTestEnv, type TestEnv } from "./config.ts";
export { contractProblems, documentAccepts } from "./contract.ts";
export { freePort } from "./free-port.ts";
export { captureLogger, type LogLine } from "./logs.ts";
export { mailedToken } from "./mailbox.ts";
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
export {
  type Envelope,
  type EnvelopeItem,
  parseEnvelope,
  type ReceivedEvent,
  type SentryReceiver,
  startSentryReceiver,
} from "./sentry-receiver.ts";
export { createTestDatabase, isCI, realServer, type ServerKind, type TestDatabase } from "./servers.ts";
export { caddyRootCertPath, startTestCaddy, type TestCaddy, type TestCaddyOptions } from "./test-caddy.ts";
