export { openDatabase } from "./database.ts";
export type { Database, DatabaseHandle, DatabaseKind, LoggerLike, OpenDatabaseOptions } from "./types.ts";
