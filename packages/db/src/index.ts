export {
  type Database,
  type DatabaseHandle,
  type DatabaseKind,
  type LoggerLike,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database/index.ts";
