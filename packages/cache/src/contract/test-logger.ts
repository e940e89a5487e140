import pino from "pino";
import type { LoggerLike } from "../core/types.ts";

/** One parsed log line. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger (debug level) whose lines are kept in `lines` for assertions. */
export function captureLogger(): { logger: LoggerLike; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "debug" },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines };
}

/** A namespace no other test run uses, so suites sharing one Redis never see each other's keys. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
