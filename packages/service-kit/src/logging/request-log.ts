import type { Logger } from "pino";
import { correlationJson, kitLineTarget } from "./logging.ts";

// Probes and scrapes hit these every few seconds; at info they would drown the lines people read.
const QUIET_PATHS = new Set(["/health/live", "/health/ready", "/metrics"]);

const accessLoggers = new WeakMap<Logger, Logger>();

/**
 * The logger for request lines: a child of `logger` without its wildcard redaction, which cost about three
 * times the rest of the line. Only for lines of method, route, path, status and duration — never a secret
 * (tokens never travel in URLs on this platform). Shared with the gateway's proxy path, which writes the same line.
 */
export function accessLogger(logger: Logger): Logger {
  let access = accessLoggers.get(logger);
  if (!access) {
    access = logger.child({}, { redact: { paths: [] } });
    accessLoggers.set(logger, access);
  }
  return access;
}

/** The fields of one access line. */
export interface AccessLine {
  method: string;
  route: string;
  path: string;
  status: number;
  duration_ms: number;
}

/**
 * Writes the request line of `logger` at `level`: for a logger made by createLogger, byte for byte what
 * pino writes for `accessLogger(logger)[level](line, "request")`, assembled in one template (ADR 0026) —
 * pino's generic path (a JSON.stringify per key and value, the mixin merge, a diagnostics channel) measured
 * as a fifth of a "hello" request. Any other logger goes through pino as before.
 */
export function writeAccessLine(
  logger: Logger,
  level: "debug" | "info" | "error",
  line: AccessLine,
  /** The ids as `correlationJson()` writes them, when the caller knows them; else read from the active context. */
  correlation?: string,
): void {
  if (!logger.isLevelEnabled(level)) return;
  const target = kitLineTarget(logger);
  if (!target) {
    accessLogger(logger)[level](line, "request");
    return;
  }
  const duration = Number.isFinite(line.duration_ms) ? line.duration_ms : null;
  target.stream.write(
    `{"level":"${level}","time":"${isoNow()}"${target.bindings}${correlation ?? correlationJson()},` +
      `"method":${jsonString(line.method)},"route":${routeJson(line.route)},` +
      `"path":${jsonString(line.path)},"status":${line.status},"duration_ms":${duration},"msg":"request"}\n`,
  );
}

// Printable ASCII but `"` and `\`: what JSON.stringify writes as it is, between quotes.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `JSON.stringify(text)`, without its call for the common text that needs no escaping. */
function jsonString(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

// Route templates come from the app's code: a few dozen per service, each quoted once.
const routeJsonCache = new Map<string, string>();

function routeJson(route: string): string {
  let json = routeJsonCache.get(route);
  if (json === undefined) {
    json = JSON.stringify(route);
    if (routeJsonCache.size < 1_000) routeJsonCache.set(route, json);
  }
  return json;
}

let isoMs = 0;
let iso = "";

/** `new Date().toISOString()`, made once per millisecond: under load many lines share one. */
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}

/**
 * The level of a request's line: 5xx at error, operator endpoints (probes, scrapes) at debug, everything
 * else at info.
 */
export function accessLevel(status: number, path: string): "debug" | "info" | "error" {
  return status >= 500 ? "error" : QUIET_PATHS.has(path) ? "debug" : "info";
}
