export { openDatabase } from "./database.ts";
export { isUnavailableError } from "./errors.ts";
export type { Database, DatabaseHandle, DatabaseKind, LoggerLike, OpenDatabaseOptions } from "./types.ts";
