import { context, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from "@opentelemetry/semantic-conventions";
import type { MiddlewareHandler } from "hono";
import { type KitEnv, routeTemplate, UNMATCHED_ROUTE } from "../request/request.ts";
import { currentTraceparent, extractContext } from "./tracing.ts";

/**
 * Server span per request, child of the caller's `traceparent` when one came in. The span is active while
 * the handler runs, so logs, outgoing `tracedFetch` calls and published events all join the same trace.
 * Named `METHOD /route/template` once routing is known; 5xx responses mark it as an error.
 */
export function traceRequests(tracer: Tracer): MiddlewareHandler<KitEnv> {
  return async (c, next) => {
    const parent = extractContext(c.req.raw.headers);
    const span = tracer.startSpan(
      c.req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: c.req.method,
          [ATTR_URL_PATH]: c.req.path,
          // Read off the URL's start rather than parsing the whole URL once more per request.
          [ATTR_URL_SCHEME]: c.req.url.startsWith("https:") ? "https" : "http",
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    try {
      await context.with(active, () => {
        c.set("traceparent", currentTraceparent());
        return next();
      });
    } finally {
      const route = routeTemplate(c);
      if (route !== UNMATCHED_ROUTE) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${c.req.method} ${route}`);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, c.res.status);
      if (c.error) span.recordException(c.error);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
