export { endServerSpan, startServerSpan } from "./middleware.ts";
export {
  type InSpanOptions,
  inSpan,
  recordSpanError,
  recordSpanException,
  serviceTracer,
  sqlStateOf,
  withServiceTracer,
} from "./spans.ts";
export {
  type Context,
  currentTraceparent,
  extractContext,
  initTracing,
  injectTraceparent,
  registerTracingGlobals,
  samplerFor,
  type Tracer,
  type Tracing,
  type TracingOptions,
  tracedFetch,
  traceparentOf,
} from "./tracing.ts";
