import type { Tracer } from "@opentelemetry/api";
import type { ErrorHandler, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { accessLevel, writeAccessLine } from "../logging/request-log.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { type KitEnv, REQUEST_ID_HEADER, requestIdFor, routeTemplate } from "../request/request.ts";
import { endServerSpan } from "../tracing/middleware.ts";
import { requestSpans } from "../tracing/request-span.ts";
import { runInRequest } from "../tracing/tracing.ts";
import { type SecureHeaderList, setSecureHeaders } from "./secure-headers.ts";

/** Options of {@link observeRequests}. */
export interface ObserveRequestsOptions {
  logger: Logger;
  tracer: Tracer;
  metrics: Metrics;
  /** Secure headers to set on every response (`API_SECURE_HEADERS`, `DOCUMENT_SECURE_HEADERS`); default none. */
  secureHeaders?: SecureHeaderList;
  /**
   * Checks run before the routes, inside the observation (the kit's body limit and query policy). It calls
   * `next` to go on; what it throws is answered by `onError`, as hono answers a middleware's throw.
   */
  guard?: MiddlewareHandler<KitEnv>;
  /** The app's error handler, for what `guard` throws; without it the throw propagates. */
  onError?: ErrorHandler<KitEnv>;
}

/**
 * Everything the kit does around a request, in one middleware (ADR 0026; each further async layer of hono's
 * dispatch measured ~0.3–1 µs of a "hello" request):
 * - the request id: the caller's `X-Request-Id` when it is a plain token (`requestIdFor`), else a new one;
 *   echoed on every response, error responses included, and on every log line written while serving it;
 * - the server span, child of the caller's `traceparent`, active while the handler runs (so logs, outgoing
 *   `tracedFetch` calls and published events join the trace), with the service's tracer in the context for
 *   the domain and SQL spans under it; `c.var.traceparent` for event envelopes. An unsampled request's
 *   span is started without the SDK (`requestSpans`);
 * - the guards (body limit, query policy), whose refusals are observed like any other answer;
 * - one access line (method, route template, path, status, duration), with the request's ids;
 * - `http_requests_total`, `http_request_duration_seconds` and `http_requests_in_flight`;
 * - the secure headers, on the final response.
 * Route, status and duration are read once, when the response is known.
 */
export function observeRequests(opts: ObserveRequestsOptions): MiddlewareHandler<KitEnv> {
  const { logger, metrics, guard, onError } = opts;
  const startSpan = requestSpans(opts.tracer);
  const secure = opts.secureHeaders;
  return (c, next) => {
    const started = performance.now();
    const { method, headers: incoming } = c.req.raw;
    const id = requestIdFor(incoming.get(REQUEST_ID_HEADER));
    const { span, context: active, traceparent } = startSpan(c);
    c.set("requestId", id);
    c.set("logger", logger);
    c.set("traceparent", traceparent);
    metrics.started();
    return runInRequest(id, active, async () => {
      try {
        await (guard ? guard(c, next) : next());
      } catch (error) {
        // What hono's dispatch does with a middleware's throw: the error handler's answer becomes the response.
        if (!(error instanceof Error) || !onError) throw error;
        c.error = error;
        c.res = await onError(error, c);
      } finally {
        const ms = performance.now() - started;
        const route = routeTemplate(c);
        const res = c.res;
        const status = res.status;
        endServerSpan(span, c, route);
        metrics.finished(method, status, route, ms / 1000);
        const path = c.req.path;
        // `traceparent` exists only for a valid span context: no second validation (two regexes) here.
        const ids = traceparent === undefined ? undefined : span.spanContext();
        writeAccessLine(
          logger,
          accessLevel(status, path),
          { method, route, path, status, duration_ms: Math.round(ms * 1000) / 1000 },
          // The ids as the logger's mixin would find them, known here without a context lookup; the id is a
          // plain token or a UUID (`requestIdFor`), nothing to escape.
          (ids ? `,"trace_id":"${ids.traceId}","span_id":"${ids.spanId}"` : "") + `,"request_id":"${id}"`,
        );
        // On the response's own headers: `c.header()` after the response exists copies the whole Response
        // (hono keeps finalized responses immutable), which measured as 6 % of a "hello" request.
        const headers = res.headers;
        if (secure) setSecureHeaders(headers, secure);
        headers.set(REQUEST_ID_HEADER, id);
      }
    });
  };
}
