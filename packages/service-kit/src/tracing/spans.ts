import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

/**
 * Where the active service's tracer travels. Each service has its own provider (its own `service.name`) and
 * none is registered globally, because in the embedded mode several services share one process; so the
 * tracer rides in the OpenTelemetry context, set where work enters a service (the request middleware, a
 * consumer's handler, the outbox relay), and code deeper down (use cases, the database) finds it there.
 */
const SERVICE_TRACER = createContextKey("@payments/service-kit service tracer");

/** The API's tracer of the unregistered global provider: non-recording spans that still carry trace ids. */
const passThrough = (): Tracer => trace.getTracer("@payments/service-kit");

/** `ctx` with `tracer` as the service tracer that {@link serviceTracer} finds in it and its descendants. */
export function withServiceTracer(tracer: Tracer, ctx: Context = context.active()): Context {
  return ctx.setValue(SERVICE_TRACER, tracer);
}

/**
 * The tracer of the service whose work is running (see {@link withServiceTracer}); outside any, the API's
 * pass-through tracer, whose spans record nothing but keep the caller's trace id.
 */
export function serviceTracer(ctx: Context = context.active()): Tracer {
  const tracer = ctx.getValue(SERVICE_TRACER);
  return isTracer(tracer) ? tracer : passThrough();
}

function isTracer(value: unknown): value is Tracer {
  return typeof value === "object" && value !== null && "startActiveSpan" in value && "startSpan" in value;
}

/**
 * The SQLSTATE of a database error (postgres.js and PGlite both put it in `code`), or undefined. Such an
 * error's message can quote a parameter (`invalid input syntax for type uuid: "…"`), and postgres.js errors
 * carry the query's parameters, so spans record only the code.
 */
export function sqlStateOf(error: unknown): string | undefined {
  // drizzle wraps the driver's error (its `cause`) in one whose message lists the parameters.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code: unknown = "code" in current ? current.code : undefined;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = "cause" in current ? current.cause : undefined;
  }
  return undefined;
}

/** drizzle's wrapper of a failed statement: its message is the SQL text and `params: <values>`. */
function isFailedQuery(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "DrizzleQueryError" || error.message.startsWith("Failed query:"))
  );
}

/** What a span may say of a database error: its SQLSTATE, never its message (see {@link sqlStateOf}). */
function databaseError(error: unknown): { code: string; message: string } | undefined {
  const sqlState = sqlStateOf(error);
  if (sqlState) return { code: sqlState, message: `SQLSTATE ${sqlState}` };
  return isFailedQuery(error) ? { code: "unknown", message: "database statement failed" } : undefined;
}

/** What a span may say about `error`: its message, or only the SQLSTATE of a database error. */
function spanMessage(error: unknown): string | undefined {
  const database = databaseError(error);
  if (database) return database.message;
  return error instanceof Error ? error.message : String(error);
}

/** Adds the exception event for `error` to `span` (a database error as its SQLSTATE only). */
export function recordSpanException(span: Span, error: unknown): void {
  const database = databaseError(error);
  if (database) {
    span.setAttribute("error.type", database.code);
    span.recordException({ name: "DatabaseError", message: database.message });
  } else if (error instanceof Error) span.recordException(error);
  else span.recordException(String(error));
}

/** Marks `span` failed with `error`: the exception event and an ERROR status (see {@link recordSpanException}). */
export function recordSpanError(span: Span, error: unknown): void {
  recordSpanException(span, error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: spanMessage(error) });
}

/** Options of {@link inSpan}. */
export interface InSpanOptions {
  attributes?: Attributes;
  /** The tracer to record with; default the service tracer of the active context. */
  tracer?: Tracer;
  /** A parent other than the active context (e.g. a root for background work). */
  parent?: Context;
}

/**
 * Runs `work` inside a span named `name` (a domain operation such as `payment.create`), active while it
 * runs so the database statements and events under it join the same trace. A throw marks the span failed
 * and is rethrown; the span always ends. `work` receives the span for attributes known only later.
 */
export async function inSpan<T>(
  name: string,
  options: InSpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const tracer = options.tracer ?? serviceTracer(parent);
  const span = tracer.startSpan(name, { attributes: options.attributes }, parent);
  // The tracer stays in the context, so spans started deeper down use the same service's tracer.
  const active = trace.setSpan(withServiceTracer(tracer, parent), span);
  try {
    // Awaited inside: drizzle's queries are lazy thenables that start when awaited, and must start in `active`.
    return await context.with(active, async () => await work(span));
  } catch (error) {
    recordSpanError(span, error);
    throw error;
  } finally {
    span.end();
  }
}
