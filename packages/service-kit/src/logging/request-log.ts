import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { type KitEnv, routeTemplate } from "../request/request.ts";

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

/**
 * One log line per request with method, route template, path, status and duration. Written inside the
 * request's span and request scope, so it carries `trace_id`, `span_id` and `request_id`. 5xx at error,
 * operator endpoints at debug, everything else at info.
 */
export function logRequests(): MiddlewareHandler<KitEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const line = {
        method: c.req.method,
        route: routeTemplate(c),
        path: c.req.path,
        status,
        duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
      };
      const level = status >= 500 ? "error" : QUIET_PATHS.has(c.req.path) ? "debug" : "info";
      accessLogger(c.var.logger)[level](line, "request");
    }
  };
}
