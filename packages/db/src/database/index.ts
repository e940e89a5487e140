export { openDatabase } from "./database.ts";
export { isUnavailableError } from "./errors.ts";
export { DEFAULT_POOL_SIZE } from "./postgres.ts";
export type { Database, DatabaseHandle, DatabaseKind, LoggerLike, OpenDatabaseOptions } from "./types.ts";
