import { AsyncLocalStorage } from "node:async_hooks";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

/** What the kit remembers about the request being served, readable anywhere below its handler. */
export interface RequestScope {
  requestId: string;
}

// One store for the whole process: in the embedded mode several services share it, and each request
// runs in its own async scope, so loggers of every service see the id of the request they serve.
const requestStore = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` so that every log line written beneath it (however deep, across awaits) carries `requestId`. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestStore.run({ requestId }, fn);
}

/** The id of the request currently being served, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  return requestStore.getStore()?.requestId;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written on every line. */
  service: string;
  /** pino level name; defaults to `info`. */
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream that collects lines. */
  destination?: DestinationStream;
}

/**
 * Creates the service's JSON logger. Every line carries `service`; lines written while a span is active
 * carry `trace_id`/`span_id`, and lines written while serving a request carry `request_id`, so a log
 * search by any of those ids finds the whole story without passing a child logger around.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? "info",
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than numbers: readable in a terminal and what log stores index by default.
    formatters: { level: (label) => ({ level: label }) },
    mixin: correlationIds,
    // Last line of defence for the obvious secret-bearing fields; scrubbing proper happens before logging.
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "authorization",
        "*.authorization",
        "*.headers.authorization",
        "*.headers.cookie",
        "cookie",
        "*.cookie",
      ],
      censor: "[Filtered]",
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

function correlationIds(): Record<string, string> {
  const ids: Record<string, string> = {};
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    ids.trace_id = spanContext.traceId;
    ids.span_id = spanContext.spanId;
  }
  const requestId = currentRequestId();
  if (requestId) ids.request_id = requestId;
  return ids;
}
