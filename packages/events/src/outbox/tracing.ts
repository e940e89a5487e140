import {
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { EventEnvelope } from "@payments/contracts";
import { extractContext, recordSpanError, serviceTracer, withServiceTracer } from "@payments/service-kit";

/** Links kept per batch span: enough to follow a typical batch to its producers, bounded for a big one. */
const MAX_LINKS = 128;

/**
 * Runs the publishing part of one relay pass in an `outbox.relay_batch` span. The batch serves many
 * requests, so the span is a root of its own, linked to the trace of each event it carries (the links
 * lead from a batch to its requests); each event's `publish` span stays in its request's trace. The span
 * starts when the pass did (`startTime`), so it covers the claim too; empty passes record nothing.
 */
export async function inRelayBatch<T>(
  opts: { tracer: Tracer | undefined; service: string; startTime: number },
  events: readonly EventEnvelope[],
  work: () => Promise<T>,
): Promise<T> {
  const links: Link[] = [];
  for (const event of events.slice(0, MAX_LINKS)) {
    if (!event.traceparent) continue;
    const linked = trace.getSpanContext(extractContext({ traceparent: event.traceparent }));
    if (linked) links.push({ context: linked });
  }
  const tracer = opts.tracer ?? serviceTracer();
  const span: Span = tracer.startSpan(
    "outbox.relay_batch",
    {
      kind: SpanKind.PRODUCER,
      startTime: opts.startTime,
      links,
      attributes: {
        "messaging.operation.type": "send",
        "messaging.batch.message_count": events.length,
        "outbox.service": opts.service,
      },
    },
    ROOT_CONTEXT,
  );
  try {
    return await context.with(withServiceTracer(tracer, trace.setSpan(ROOT_CONTEXT, span)), work);
  } catch (error) {
    recordSpanError(span, error);
    throw error;
  } finally {
    span.end();
  }
}
