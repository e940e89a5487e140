import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { currentRequestId, runInRequestScope, runWithRequestId } from "../logging/logging.ts";
import { KitContextManager } from "./context-manager.ts";
import { KitIdGenerator } from "./ids.ts";

export type { Context, Tracer } from "@opentelemetry/api";

/** Options of {@link initTracing}. */
export interface TracingOptions {
  /** Becomes the `service.name` resource attribute of every span of this provider. */
  service: string;
  /** Base OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** Extra exporter, e.g. an `InMemorySpanExporter` in tests. */
  exporter?: SpanExporter;
  /**
   * Share of new traces recorded, 0–1 (`OTEL_TRACES_SAMPLER_ARG`); default 1, every trace. Parent-based
   * (ADR 0026): a request that arrives with a `traceparent` follows its caller's decision, so a trace is
   * whole or absent; only traces that start here are drawn by this ratio (by trace id, the same everywhere).
   */
  sampleRatio?: number;
}

/** Parent-based sampling with `ratio` for the traces that start in this service. */
export function samplerFor(ratio = 1): Sampler {
  return new ParentBasedSampler({ root: rootSamplerFor(ratio) });
}

function rootSamplerFor(ratio: number): Sampler {
  return ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(Math.max(0, ratio));
}

/**
 * How a tracer made by {@link initTracing} decides: parent-based, with `root` for traces that start here,
 * and its id generator. Known to the request middleware, which decides itself and starts an unsampled
 * request's span without the SDK (ADR 0026).
 */
export interface KitSampling {
  root: Sampler;
  ids: KitIdGenerator;
}

const kitSampling = new WeakMap<Tracer, KitSampling>();

/** The sampling of a tracer made by {@link initTracing}; undefined for any other tracer. */
export function kitSamplingOf(tracer: Tracer): KitSampling | undefined {
  return kitSampling.get(tracer);
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
 * Registers the kit's AsyncLocalStorage context manager (`KitContextManager`) and the W3C TraceContext propagator as the process-wide
 * OpenTelemetry globals, once. Idempotent because in the embedded mode every service of the platform calls
 * it from the same process.
 */
export function registerTracingGlobals(): void {
  if (globalsRegistered) return;
  globalsRegistered = true;
  kitManagesContext = context.setGlobalContextManager(new KitContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

let kitManagesContext = false;

/**
 * Runs `fn` in the request's scope: its id for the logs and `active` as the OpenTelemetry context — one scope
 * when the kit's context manager is the global one, else the id's scope and the other manager's `with`.
 */
export function runInRequest<T>(requestId: string, active: Context, fn: () => T): T {
  if (kitManagesContext) return runInRequestScope(requestId, active, fn);
  return runWithRequestId(requestId, () => context.with(active, fn));
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
  const root = rootSamplerFor(opts.sampleRatio ?? 1);
  const ids = new KitIdGenerator();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.service }),
    sampler: new ParentBasedSampler({ root }),
    idGenerator: ids,
    spanProcessors,
  });
  const tracer = provider.getTracer(opts.service);
  kitSampling.set(tracer, { root, ids });
  return {
    tracer,
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
 * from the root context (or `base`, a root context with values of its own), so a message handled inside
 * some other request never inherits that request's trace.
 */
export function extractContext(
  carrier: Record<string, string | undefined> | Headers,
  base: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(base, carrier, carrierGetter);
}

/** The `traceparent` of the active span (what an event envelope records), or undefined without one. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  injectTraceparent(carrier);
  return carrier.traceparent;
}

/**
 * The W3C `traceparent` of `span` (version 00), or undefined for an invalid span context. The same string
 * the propagator writes, without a carrier object and a context lookup: the request middleware makes one
 * per request.
 */
export function traceparentOf(span: Span): string | undefined {
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return undefined;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
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
