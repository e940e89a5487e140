import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { currentRequestId } from "../logging/logging.ts";

export type { Context, Tracer } from "@opentelemetry/api";

/** Options of {@link initTracing}. */
export interface TracingOptions {
  /** Becomes the `service.name` resource attribute of every span of this provider. */
  service: string;
  /** Base OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** Extra exporter, e.g. an `InMemorySpanExporter` in tests. */
  exporter?: SpanExporter;
}

/** What {@link initTracing} returns. */
export interface Tracing {
  tracer: Tracer;
  provider: BasicTracerProvider;
  /** Flushes buffered spans and stops the exporters; register it with the service's shutdown. */
  shutdown(): Promise<void>;
}

let globalsRegistered = false;

/**
 * Registers the AsyncLocalStorage context manager and the W3C TraceContext propagator as the process-wide
 * OpenTelemetry globals, once. Idempotent because in the embedded mode every service of the platform calls
 * it from the same process.
 */
export function registerTracingGlobals(): void {
  if (globalsRegistered) return;
  globalsRegistered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * Creates this service's tracer. Each call gets its own provider (and so its own `service.name`), and the
 * provider is deliberately not registered as the global one: several services share one process in the
 * embedded mode, and each must pass its own tracer explicitly.
 */
export function initTracing(opts: TracingOptions): Tracing {
  registerTracingGlobals();
  const spanProcessors: SpanProcessor[] = [];
  if (opts.exporter) spanProcessors.push(new BatchSpanProcessor(opts.exporter));
  if (opts.otlpEndpoint) {
    const url = `${opts.otlpEndpoint.replace(/\/+$/, "")}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.service }),
    spanProcessors,
  });
  return {
    tracer: provider.getTracer(opts.service),
    provider,
    shutdown: () => provider.shutdown(),
  };
}

const headerSetter: TextMapSetter<Record<string, string> | Headers> = {
  set(carrier, key, value) {
    if (carrier instanceof Headers) carrier.set(key, value);
    else carrier[key] = value;
  },
};

// Header names are case-insensitive in HTTP, and AMQP producers are not consistent either. A `Headers` object is
// read in place: copying it into a record per request measured as a noticeable part of the kit's cost.
const carrierGetter: TextMapGetter<Record<string, string | undefined> | Headers> = {
  keys: (carrier) => (carrier instanceof Headers ? [...carrier.keys()] : Object.keys(carrier)),
  get(carrier, key) {
    if (carrier instanceof Headers) return carrier.get(key) ?? undefined;
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    const wanted = key.toLowerCase();
    for (const [name, value] of Object.entries(carrier)) {
      if (name.toLowerCase() === wanted) return value;
    }
    return undefined;
  },
};

/** Writes `traceparent` (and `tracestate`) of the span in `from` (default: the active one) into outgoing headers. */
export function injectTraceparent(
  headers: Record<string, string> | Headers,
  from: Context = context.active(),
): void {
  propagation.inject(from, headers, headerSetter);
}

/**
 * Reads a W3C `traceparent` from HTTP or message headers into a context to start a child span in. Starts
 * from the root context, so a message handled inside some other request never inherits that request's trace.
 */
export function extractContext(carrier: Record<string, string | undefined> | Headers): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, carrierGetter);
}

/** The `traceparent` of the active span (what an event envelope records), or undefined without one. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  injectTraceparent(carrier);
  return carrier.traceparent;
}

/**
 * `fetch` with a client span around it and `traceparent` injected, so the callee's server span joins the
 * caller's trace. The current `X-Request-Id` is forwarded too, so one id follows a request across services.
 */
export async function tracedFetch(
  tracer: Tracer,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const request = input instanceof Request ? new Request(input, init) : new Request(String(input), init);
  const url = new URL(request.url);
  const span = tracer.startSpan(`${request.method}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_HTTP_REQUEST_METHOD]: request.method,
      // Without the query string: it may hold tickets or tokens.
      [ATTR_URL_FULL]: `${url.origin}${url.pathname}`,
      [ATTR_SERVER_ADDRESS]: url.hostname,
    },
  });
  const spanContext = trace.setSpan(context.active(), span);
  const headers = new Headers(request.headers);
  propagation.inject(spanContext, headers, headerSetter);
  const requestId = currentRequestId();
  if (requestId && !headers.has("x-request-id")) headers.set("x-request-id", requestId);
  try {
    const response = await context.with(spanContext, () => fetch(new Request(request, { headers })));
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (error) {
    if (error instanceof Error) span.recordException(error);
    else span.recordException(String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : undefined,
    });
    throw error;
  } finally {
    span.end();
  }
}
