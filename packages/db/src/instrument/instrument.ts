import { type Attributes, context, type Span, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import { type QueryMetrics, recordSpanError, serviceTracer } from "@payments/service-kit";
import { summarizeStatement } from "./summary.ts";

/** What a database records its statements with. */
export interface QueryInstruments {
  /** The owning service's tracer; default the service tracer of the active context. */
  tracer?: Tracer | undefined;
  /** `db_query_duration_seconds{statement}` on the service's registry; no metric when omitted. */
  metrics?: QueryMetrics | undefined;
  /** `db.namespace` of the spans: the database name. */
  namespace?: string | undefined;
}

/** What a statement's result said about its rows. */
export interface RowCounts {
  /** Rows the statement returned. */
  returned?: number | undefined;
  /** Rows an INSERT, UPDATE or DELETE changed, when the driver reports it. */
  affected?: number | undefined;
}

/** One statement being timed; `end` once it settled. */
export interface StatementObservation {
  end(rows: RowCounts | undefined, error?: unknown): void;
}

const SYSTEM = { "db.system.name": "postgresql" } as const;

/**
 * Only work already in a trace gets statement spans (a request, a consumer, a relay batch). Background
 * polls outside any trace (the relay finding nothing, maintenance) would otherwise each be a root span of
 * their own, several a second per service; they are still timed in the histogram.
 */
function tracerFor(instruments: QueryInstruments): Tracer | undefined {
  const active = context.active();
  if (!trace.getSpan(active)) return undefined;
  return instruments.tracer ?? serviceTracer(active);
}

/**
 * Starts timing one statement: a client span named by its summary (`SELECT payments`) as a child of the
 * active span, and the duration histogram. The span holds the summary, the operation, the table and the
 * row counts; never the text (literals) or the parameters (values), and for a failed statement only its
 * SQLSTATE.
 */
export function observeStatement(instruments: QueryInstruments, text: string): StatementObservation {
  const summary = summarizeStatement(text);
  const tracer = tracerFor(instruments);
  let span: Span | undefined;
  if (tracer) {
    const attributes: Attributes = {
      ...SYSTEM,
      "db.operation.name": summary.operation,
      "db.query.summary": summary.name,
    };
    if (summary.table) attributes["db.collection.name"] = summary.table;
    if (instruments.namespace) attributes["db.namespace"] = instruments.namespace;
    span = tracer.startSpan(summary.name, { kind: SpanKind.CLIENT, attributes });
  }
  const started = performance.now();
  return {
    end(rows, error) {
      instruments.metrics?.observe(summary.name, (performance.now() - started) / 1000);
      if (!span) return;
      if (rows?.returned !== undefined) span.setAttribute("db.response.returned_rows", rows.returned);
      if (rows?.affected !== undefined) span.setAttribute("db.response.affected_rows", rows.affected);
      if (error !== undefined) recordSpanError(span, error);
      span.end();
    },
  };
}

/**
 * Runs a transaction's `work` inside a `transaction` span (when in a trace), so its statements group under
 * it and its duration includes lock waits and the commit.
 */
export async function inTransactionSpan<T>(
  instruments: QueryInstruments,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const tracer = tracerFor(instruments);
  if (!tracer) return work();
  const parent = context.active();
  const attributes: Attributes = { ...SYSTEM };
  if (instruments.namespace) attributes["db.namespace"] = instruments.namespace;
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    recordSpanError(span, error);
    throw error;
  } finally {
    span.end();
  }
}
