export { createLogCapture, type LogCapture, type LogLine } from "./capture.ts";
export {
  createLogger,
  currentRequestId,
  type Logger,
  type LoggerOptions,
  type RequestScope,
  runWithRequestId,
} from "./logging.ts";
export { type AccessLine, accessLevel, accessLogger, writeAccessLine } from "./request-log.ts";
