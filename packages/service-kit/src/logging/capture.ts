import type { DestinationStream } from "pino";

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown>;

/** A pino destination that keeps parsed lines in memory, for tests that assert on logs. */
export interface LogCapture {
  destination: DestinationStream;
  lines: LogLine[];
}

/** Creates a {@link LogCapture}; pass `destination` to `createLogger`. */
export function createLogCapture(): LogCapture {
  const lines: LogLine[] = [];
  return {
    lines,
    destination: {
      write(chunk: string) {
        for (const line of chunk.split("\n")) {
          if (line.trim() !== "") lines.push(JSON.parse(line) as LogLine);
        }
      },
    },
  };
}
