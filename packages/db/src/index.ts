export {
  type Database,
  type DatabaseHandle,
  type DatabaseKind,
  isUnavailableError,
  type LoggerLike,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database/index.ts";
