import { type Context, context, type Span, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { EventEnvelope } from "@payments/contracts";
import { extractContext, injectTraceparent } from "@payments/service-kit";
import type { ConsumeMessage } from "amqplib";
import { typeLabel } from "../metrics/index.ts";
import { HEADER, stringHeader } from "./headers.ts";

/**
 * Starts the producer span `publish <type>` and returns the headers that carry it. The envelope's
 * traceparent (the producing request's) is the parent, so the span joins that trace even when the outbox
 * relay publishes long after the request ended.
 */
export function startPublishSpan(
  tracer: Tracer,
  exchange: string,
  event: EventEnvelope,
): { span: Span; headers: Record<string, string> } {
  const parent = event.traceparent ? extractContext({ traceparent: event.traceparent }) : context.active();
  const span = tracer.startSpan(
    `publish ${event.type}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        "messaging.system": "rabbitmq",
        "messaging.operation.type": "send",
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": event.type,
        "messaging.message.id": event.id,
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  context.with(trace.setSpan(parent, span), () => injectTraceparent(headers));
  // Without a registered propagator nothing was injected: pass the producer's context on unchanged.
  if (!headers.traceparent && event.traceparent) headers.traceparent = event.traceparent;
  return { span, headers };
}

/**
 * Starts the consumer span `process <type>` as a child of the publish span named in the message headers;
 * the handler runs in the returned context.
 */
export function startProcessSpan(
  tracer: Tracer,
  exchange: string,
  queue: string,
  msg: ConsumeMessage,
  routingKey: string,
): { span: Span; active: Context } {
  const headers = msg.properties.headers;
  const parent = extractContext({
    traceparent: stringHeader(headers, HEADER.traceparent),
    tracestate: stringHeader(headers, HEADER.tracestate),
  });
  const messageId: unknown = msg.properties.messageId;
  const span = tracer.startSpan(
    `process ${typeLabel(routingKey)}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        "messaging.system": "rabbitmq",
        "messaging.operation.type": "process",
        "messaging.destination.name": exchange,
        "messaging.consumer.group.name": queue,
        "messaging.rabbitmq.destination.routing_key": routingKey,
        ...(typeof messageId === "string" ? { "messaging.message.id": messageId } : {}),
      },
    },
    parent,
  );
  return { span, active: trace.setSpan(parent, span) };
}
