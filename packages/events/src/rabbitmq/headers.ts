import type { Message, MessagePropertyHeaders, Options } from "amqplib";
import type { DeadLetter } from "../bus/index.ts";

/**
 * Message headers the bus writes and reads. Attempts travel in a header because a message that went
 * through a retry queue is a new delivery to the broker (its redelivered flag is false again).
 */
export const HEADER = {
  /** Delivery number of the next delivery (absent: 1). */
  attempt: "x-attempt",
  /** The event type the message was first published with; retries and replays route by queue name. */
  routingKey: "x-routing-key",
  /** Why a message was dead-lettered: `poison`, `max_attempts` (set by the bus). */
  deathReason: "x-death-reason",
  /** The handler's error or the validation failure. */
  error: "x-error",
  /** Deliveries made before dead-lettering. */
  attempts: "x-attempts",
  /** The queue that gave up on the message. */
  queue: "x-original-queue",
  deadLetteredAt: "x-dead-lettered-at",
  /** W3C trace context of the publish span. */
  traceparent: "traceparent",
  tracestate: "tracestate",
} as const;

/** Headers the broker adds when it dead-letters; stripped before the bus republishes a message. */
const BROKER_HEADERS = new Set([
  "x-death",
  "x-first-death-exchange",
  "x-first-death-queue",
  "x-first-death-reason",
  "x-last-death-exchange",
  "x-last-death-queue",
  "x-last-death-reason",
  "x-delivery-count",
]);

/** Longest error text carried in a header: headers share one 64 KiB frame table with everything else. */
const MAX_ERROR_LENGTH = 1000;

/** `value` if it is a string, else undefined. */
export function stringHeader(headers: MessagePropertyHeaders | undefined, name: string): string | undefined {
  const value: unknown = headers?.[name];
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return undefined;
}

/** `value` if it is a positive integer (AMQP may carry it as number or numeric string), else undefined. */
export function intHeader(headers: MessagePropertyHeaders | undefined, name: string): number | undefined {
  const value: unknown = headers?.[name];
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Delivery number of `message` (1 unless it came back through a retry queue). */
export function attemptOf(message: Message): number {
  return intHeader(message.properties.headers, HEADER.attempt) ?? 1;
}

/**
 * The event type `message` was published with: the routing key of a first delivery, the header on a retry
 * or replay (those arrive with the queue name as routing key).
 */
export function originalRoutingKey(message: Message): string {
  const headers = message.properties.headers;
  const fromHeader = stringHeader(headers, HEADER.routingKey);
  if (fromHeader) return fromHeader;
  const deaths: unknown = headers?.["x-death"];
  if (Array.isArray(deaths)) {
    const first: unknown = deaths[deaths.length - 1];
    if (typeof first === "object" && first !== null && "routing-keys" in first) {
      const keys: unknown = first["routing-keys"];
      if (Array.isArray(keys) && typeof keys[0] === "string") return keys[0];
    }
  }
  return message.fields.routingKey;
}

/** `message`'s headers without the broker's dead-letter bookkeeping, plus `extra`. */
export function carriedHeaders(
  message: Message,
  extra: Record<string, string | number>,
): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.properties.headers ?? {})) {
    if (!BROKER_HEADERS.has(name)) headers[name] = value;
  }
  return { ...headers, ...extra };
}

/** Publish options that keep `message`'s identity (id, type, content type) with new `headers`. */
export function republishOptions(message: Message, headers: Record<string, unknown>): Options.Publish {
  const p = message.properties;
  return {
    persistent: true,
    headers,
    ...(typeof p.messageId === "string" ? { messageId: p.messageId } : {}),
    ...(typeof p.type === "string" ? { type: p.type } : {}),
    ...(typeof p.contentType === "string" ? { contentType: p.contentType } : {}),
    ...(typeof p.appId === "string" ? { appId: p.appId } : {}),
    ...(typeof p.timestamp === "number" ? { timestamp: p.timestamp } : {}),
  };
}

/** Cuts an error text to what a header may carry. */
export function headerText(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** The body as JSON when it parses, else as text: a dead letter may be poison that is not JSON at all. */
export function decodeBody(content: Buffer): unknown {
  const text = content.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A message read from `<queue>.dlq` as a {@link DeadLetter}. The bus's own dead letters carry the reason in
 * headers; a message the broker dead-lettered itself (delivery limit reached: the consumer kept crashing)
 * carries only `x-death`, which is translated.
 */
export function toDeadLetter(queue: string, message: Message): DeadLetter {
  const headers = message.properties.headers;
  const brokerReason = stringHeader(headers, "x-first-death-reason");
  const reason =
    stringHeader(headers, HEADER.error) ??
    (brokerReason ? `dead-lettered by the broker: ${brokerReason}` : "unknown reason");
  const stamped = stringHeader(headers, HEADER.deadLetteredAt);
  const timestamp =
    typeof message.properties.timestamp === "number" ? message.properties.timestamp : undefined;
  return {
    event: decodeBody(message.content),
    queue: stringHeader(headers, HEADER.queue) ?? queue,
    routing_key: originalRoutingKey(message),
    reason,
    attempts: intHeader(headers, HEADER.attempts) ?? intHeader(headers, "x-delivery-count") ?? 1,
    dead_lettered_at: stamped ?? new Date((timestamp ?? 0) * 1000).toISOString(),
  };
}
