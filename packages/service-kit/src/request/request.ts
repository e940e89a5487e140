import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "pino";
import { runWithRequestId } from "../logging/logging.ts";

/** Hono environment of every kit app: what the kit puts on the context for handlers. */
export type KitEnv = {
  Variables: {
    /** Id of this request, echoed as `X-Request-Id` and written on every log line. */
    requestId: string;
    /** The service logger; lines written through it carry request, trace and span ids. */
    logger: Logger;
    /** `traceparent` of the server span of this request (for event envelopes), if tracing is on. */
    traceparent: string | undefined;
  };
};

/** Header carrying the request id in and out. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/** Label used for every request no route matched, so random paths cannot blow up metric cardinality. */
export const UNMATCHED_ROUTE = "unmatched";

const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's request id when it is a plain token of at most 128 characters, else a new time-sortable one. */
export function requestIdFor(incoming: string | null | undefined): string {
  return incoming && VALID_REQUEST_ID.test(incoming) ? incoming : Bun.randomUUIDv7();
}

/**
 * Accepts the caller's `X-Request-Id` when it is a plain token of at most 128 characters (anything else
 * could smuggle log injection or huge values), otherwise makes a new time-sortable one. Runs the rest of the
 * request inside a scope that loggers read, and echoes the id on every response, error responses included.
 */
export function requestId(logger: Logger): MiddlewareHandler<KitEnv> {
  return async (c, next) => {
    const id = requestIdFor(c.req.header(REQUEST_ID_HEADER));
    c.set("requestId", id);
    c.set("logger", logger);
    c.set("traceparent", undefined);
    await runWithRequestId(id, next);
    // On the response's own headers: `c.header()` after the response exists copies the whole Response
    // (hono keeps finalized responses immutable), which measured as 6 % of a "hello" request.
    c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}

// Keyed by the context object: the body limit may swap `c.req.raw` for a buffered copy mid-request.
const unmatchedRequests = new WeakSet<Context>();

/** Called by the not-found handler: from then on {@link routeTemplate} reports {@link UNMATCHED_ROUTE}. */
export function markUnmatched(c: Context): void {
  unmatchedRequests.add(c);
  routes.delete(c);
}

// The template once known: the span, the log line and the metrics all ask for it when the request ends.
const routes = new WeakMap<Context, string>();

// The kit's own `app.use("*")` middleware: they match every request and so say nothing about its route.
const kitHandlers = new WeakSet<object>();

/** Marks a middleware as the kit's own, so {@link routeTemplate} never takes its `/*` path for a route. */
export function kitMiddleware<H extends MiddlewareHandler>(handler: H): H {
  kitHandlers.add(handler);
  return handler;
}

/**
 * The route template of a request (`/items/:id`, never `/items/42`), for span names, logs and metric labels.
 * Prefers the endpoint the router matched even when a middleware answered first (a 413 from the body limit
 * still counts under its route); requests no route matched all get {@link UNMATCHED_ROUTE}.
 */
export function routeTemplate(c: Context): string {
  let route = routes.get(c);
  if (route === undefined) {
    route = findRouteTemplate(c);
    routes.set(c, route);
  }
  return route;
}

function findRouteTemplate(c: Context): string {
  const matched = matchedRoutes(c);
  // `use()`/`all()` routes are registered with method ALL; endpoints (get/post/…) carry their method. The
  // kit's own middleware are skipped; one pass from the end, no filtered copy (this runs per request).
  let lastAll: string | undefined;
  for (let i = matched.length - 1; i >= 0; i--) {
    const route = matched[i];
    if (!route || kitHandlers.has(route.handler)) continue;
    if (route.method !== "ALL") return route.path;
    lastAll ??= route.path;
  }
  if (unmatchedRequests.has(c)) return UNMATCHED_ROUTE;
  // Only ALL routes matched: the last one is the endpoint, e.g. a proxy's `app.all("/api/x/*")`.
  return lastAll ?? UNMATCHED_ROUTE;
}
