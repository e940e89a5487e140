import {
  type Context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SamplingDecision,
  type Span,
  SpanKind,
  TraceFlags,
  type Tracer,
  type TraceState,
  trace,
} from "@opentelemetry/api";
import type { Context as HonoContext } from "hono";
import { startServerSpan } from "./middleware.ts";
import { withServiceTracer } from "./spans.ts";
import { extractContext, kitSamplingOf, traceparentOf } from "./tracing.ts";

/** The server span of one request, the context to run its handler in, and its `traceparent`. */
export interface RequestTrace {
  span: Span;
  /** The caller's context (if any) with the span and the service's tracer set. */
  context: Context;
  traceparent: string | undefined;
}

/**
 * Starts requests' server spans for `tracer` (ADR 0026). With a tracer made by `initTracing`, the kit
 * takes the sampling decision itself, exactly as the tracer's parent-based sampler would (the caller's
 * flag, else the ratio over the trace id), and an unsampled request gets its non-recording span straight
 * from the API — the same span the SDK would return, with the caller's trace id and trace state or a new
 * trace id, a new span id and flag `00` — without the SDK's sampler, attribute and limit machinery. A
 * sampled request is started by the SDK as before, with the trace id the decision was taken on. Any other
 * tracer goes through its own `startSpan`.
 */
export function requestSpans(tracer: Tracer): (c: HonoContext) => RequestTrace {
  // The service's tracer rides in the context (`serviceTracer`); set once, not copied in per request.
  const base = withServiceTracer(tracer, ROOT_CONTEXT);
  const sampling = kitSamplingOf(tracer);
  const sdkSpan = (c: HonoContext, parent: Context): RequestTrace => {
    const span = startServerSpan(tracer, c, parent);
    return { span, context: trace.setSpan(parent, span), traceparent: traceparentOf(span) };
  };
  return (c) => {
    const headers = c.req.raw.headers;
    // Without a `traceparent` the W3C propagator (the one the kit registers) finds nothing to extract.
    const incoming = headers.has("traceparent");
    const parent = incoming ? extractContext(headers, base) : base;
    if (!sampling) return sdkSpan(c, parent);
    const remote = incoming ? trace.getSpanContext(parent) : undefined;
    let traceId: string;
    let traceState: TraceState | undefined;
    if (remote && isSpanContextValid(remote)) {
      if ((remote.traceFlags & TraceFlags.SAMPLED) !== 0) return sdkSpan(c, parent);
      traceId = remote.traceId;
      traceState = remote.traceState;
    } else {
      traceId = sampling.ids.generateTraceId();
      const decision = sampling.root.shouldSample(ROOT_CONTEXT, traceId, "", SpanKind.SERVER, {}, []);
      if (decision.decision === SamplingDecision.RECORD_AND_SAMPLED) {
        sampling.ids.setNextTraceId(traceId);
        try {
          return sdkSpan(c, parent);
        } finally {
          sampling.ids.clearNextTraceId();
        }
      }
    }
    const spanId = sampling.ids.generateSpanId();
    const span = trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.NONE, traceState });
    return { span, context: trace.setSpan(parent, span), traceparent: `00-${traceId}-${spanId}-00` };
  };
}
