import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from "@opentelemetry/semantic-conventions";
import type { Context as HonoContext } from "hono";
import { UNMATCHED_ROUTE } from "../request/request.ts";
import { recordSpanException } from "./spans.ts";

/**
 * The server span of a request, child of the caller's `traceparent` (in `parent`) when one came in. Named by
 * its method until the route is known ({@link endServerSpan}). Attributes only on a recording span: an
 * unsampled request (ADR 0026) gets the SDK's non-recording span, which carries the trace and span ids for
 * logs and propagation and records nothing.
 */
export function startServerSpan(tracer: Tracer, c: HonoContext, parent: Context): Span {
  const span = tracer.startSpan(c.req.method, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      [ATTR_HTTP_REQUEST_METHOD]: c.req.method,
      [ATTR_URL_PATH]: c.req.path,
      // Read off the URL's start rather than parsing the whole URL once more per request.
      [ATTR_URL_SCHEME]: c.req.url.startsWith("https:") ? "https" : "http",
    });
  }
  return span;
}

/** Ends the server span: named `METHOD /route/template`, status code set, 5xx marked as an error. */
export function endServerSpan(span: Span, c: HonoContext, route: string): void {
  if (span.isRecording()) {
    if (route !== UNMATCHED_ROUTE) {
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${c.req.method} ${route}`);
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, c.res.status);
    if (c.error) recordSpanException(span, c.error);
    if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
