export {
  type Database,
  type DatabaseHandle,
  type DatabaseKind,
  DEFAULT_POOL_SIZE,
  isUnavailableError,
  type LoggerLike,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database/index.ts";
