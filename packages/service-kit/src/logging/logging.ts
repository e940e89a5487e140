import { AsyncLocalStorage } from "node:async_hooks";
import { writeSync } from "node:fs";
import { type Context, isSpanContextValid, trace } from "@opentelemetry/api";
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

/** What the kit remembers about the request being served, readable anywhere below its handler. */
export interface RequestScope {
  requestId: string | undefined;
  /**
   * The OpenTelemetry context, when the kit's context manager is the global one (`registerTracingGlobals`):
   * one scope carries both, so a request enters one scope rather than two (ADR 0026).
   */
  context: Context | undefined;
}

// One store for the whole process: in the embedded mode several services share it, and each request
// runs in its own async scope, so loggers of every service see the id of the request they serve.
const requestStore = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` so that every log line written beneath it (however deep, across awaits) carries `requestId`. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestStore.run({ requestId, context: requestStore.getStore()?.context }, fn);
}

/** The id of the request currently being served, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  return requestStore.getStore()?.requestId;
}

/** Runs `fn` with a request id and an OpenTelemetry context together, in one scope (for the kit's context manager). */
export function runInRequestScope<A extends unknown[], R>(
  requestId: string | undefined,
  context: Context,
  fn: (...args: A) => R,
  ...args: A
): R {
  return requestStore.run({ requestId, context }, fn, ...args);
}

/** The OpenTelemetry context of the current scope, as the kit's context manager reads it. */
export function scopeContext(): Context | undefined {
  return requestStore.getStore()?.context;
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
  const logger = pino(options, opts.destination ?? stdoutDestination());
  kitLoggers.add(logger);
  return logger;
}

// Loggers made by createLogger: their line format is known, so the access line can be written directly.
const kitLoggers = new WeakSet<Logger>();

/**
 * For a logger made by createLogger: its bindings as pino writes them (`,"service":"…"`) and its stream,
 * for a line assembled without pino's generic path (the access line, ADR 0026). Undefined for any other
 * logger, children included (they may carry serializers or redaction of their own).
 */
export function kitLineTarget(logger: Logger): { bindings: string; stream: DestinationStream } | undefined {
  if (!kitLoggers.has(logger)) return undefined;
  const internals = logger as unknown as Record<symbol, unknown>;
  const bindings = internals[pino.symbols.chindingsSym];
  const stream = internals[pino.symbols.streamSym] as DestinationStream | undefined;
  if (typeof bindings !== "string" || typeof stream?.write !== "function") return undefined;
  return { bindings, stream };
}

/** `,"trace_id":…,"span_id":…,"request_id":…` of the active span and request, as the mixin adds them. */
export function correlationJson(): string {
  let ids = "";
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    ids = `,"trace_id":"${spanContext.traceId}","span_id":"${spanContext.spanId}"`;
  }
  const requestId = currentRequestId();
  if (requestId) ids += `,"request_id":${JSON.stringify(requestId)}`;
  return ids;
}

let stdout: DestinationStream | undefined;

/**
 * stdout in batches (ADR 0026): pino's default writes each line with its own `writeSync`, which measured a
 * fifth of a "hello" request's CPU. Lines are gathered and written together once per turn of the event loop,
 * so a burst of requests costs one write, and a quiet service's line still leaves within the same turn.
 * What is gathered is written on `exit` too (`process.exit()`, an uncaught error); a SIGKILL loses at most
 * the lines of the turn it interrupted. sonic-boom's asynchronous mode was tried first and measured worse:
 * it re-measures its whole pending buffer for every line.
 */
function stdoutDestination(): DestinationStream {
  // One per process: in the embedded mode every service logs through it, so their writes never interleave.
  stdout ??= batchedWriter(1);
  return stdout;
}

/** Past this many bytes gathered in one turn, they are written at once rather than held. */
const BATCH_BYTES = 64 * 1024;

/** A destination gathering the lines of one event-loop turn into one buffer, written to `fd` at its end. */
export function batchedWriter(fd: number): DestinationStream {
  let buffer = Buffer.allocUnsafe(BATCH_BYTES * 2);
  let used = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (used > 0) writeFully(fd, buffer, used);
    used = 0;
  };
  // Past `exit` there is no next turn: what other exit listeners log is written at once.
  let exiting = false;
  process.on("exit", () => {
    exiting = true;
    flush();
  });
  return {
    write(line: string): void {
      if (exiting) {
        writeFully(fd, Buffer.from(line), Buffer.byteLength(line));
        return;
      }
      // A UTF-16 unit takes at most 3 bytes in UTF-8: with that much room, no need to measure the line first.
      if (buffer.length - used < line.length * 3) {
        const needed = Buffer.byteLength(line);
        if (used + needed > buffer.length) {
          flush();
          if (needed > buffer.length) buffer = Buffer.allocUnsafe(needed * 2);
        }
      }
      used += buffer.write(line, used);
      if (used >= BATCH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `length` bytes of `buffer`, across partial writes; a full non-blocking pipe (EAGAIN) is waited
 * out 1 ms at a time, as pino's synchronous stream does. A closed stdout (EPIPE) drops the lines.
 */
function writeFully(fd: number, buffer: Buffer, length: number): void {
  let offset = 0;
  while (offset < length) {
    try {
      offset += writeSync(fd, buffer, offset, length - offset);
    } catch (error) {
      const code = error instanceof Error && "code" in error ? error.code : undefined;
      if (code === "EAGAIN" || code === "EBUSY") Atomics.wait(pause, 0, 0, 1);
      else if (code === "EPIPE") return;
      else throw error;
    }
  }
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
