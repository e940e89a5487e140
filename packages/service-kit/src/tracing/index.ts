export { traceRequests } from "./middleware.ts";
export {
  type Context,
  currentTraceparent,
  extractContext,
  initTracing,
  injectTraceparent,
  registerTracingGlobals,
  type Tracer,
  type Tracing,
  type TracingOptions,
  tracedFetch,
} from "./tracing.ts";
