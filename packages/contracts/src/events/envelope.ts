import { z } from "zod";
import { idSchema, newId } from "../ids/index.ts";
import { nowIso, timestampSchema } from "../time/index.ts";
import {
  type EventDataInput,
  type EventEnvelope,
  type EventOf,
  type EventType,
  type EventVersion,
  eventDataSchema,
  isEventType,
  type LatestVersion,
  latestVersion,
} from "./registry.ts";

/** W3C `traceparent` (version-traceid-parentid-flags, lowercase hex). */
export const traceparentSchema = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, "must be a W3C traceparent");

/**
 * The envelope around every event, `data` not yet checked (its schema depends on `type` + `version`; see
 * {@link parseEvent}). Unknown top-level keys are stripped so that adding an envelope field does not turn
 * every message into poison for older consumers.
 */
export const eventEnvelopeSchema = z.object({
  id: idSchema("evt"),
  type: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, "must be dotted lowercase words"),
  version: z.int().min(1).max(1000),
  occurred_at: timestampSchema,
  producer: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9-]*$/, "must be a service name"),
  subject: z.string().min(1).max(128),
  data: z.unknown(),
  traceparent: traceparentSchema.optional(),
});

/** Result of {@link parseEvent}: the validated event, or why it is poison. */
export type ParseEventResult = { ok: true; event: EventEnvelope } | { ok: false; reason: string };

/** Thrown by {@link createEvent} when a producer builds an event that consumers would reject. */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
}

const MAX_REASON_LENGTH = 500;

/** One line naming the first few failing fields; short because it travels in a dead-letter header. */
function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

/**
 * Validates anything received from a bus (already JSON-decoded) as a registered event. A failure is not
 * retryable — the same bytes fail again — so callers dead-letter the message with `reason`.
 */
export function parseEvent(input: unknown): ParseEventResult {
  const envelope = eventEnvelopeSchema.safeParse(input);
  if (!envelope.success) return { ok: false, reason: `invalid envelope: ${describeIssues(envelope.error)}` };
  const { type, version } = envelope.data;
  if (!isEventType(type)) return { ok: false, reason: `unknown event type "${type}"` };
  const schema = eventDataSchema(type, version);
  if (!schema) return { ok: false, reason: `unknown version ${version} of event type "${type}"` };
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) {
    return { ok: false, reason: `invalid data for ${type} v${version}: ${describeIssues(data.error)}` };
  }
  const { traceparent, ...rest } = envelope.data;
  const event = { ...rest, ...(traceparent === undefined ? {} : { traceparent }), data: data.data };
  // The checks above validated exactly what the union member for (type, version) requires; TypeScript
  // cannot follow a runtime registry lookup, hence the one assertion.
  return { ok: true, event: event as EventEnvelope };
}

/** What a producer passes to {@link createEvent}. */
export interface CreateEventInput<T extends EventType, V extends EventVersion<T>> {
  type: T;
  /** Defaults to the registry's latest version of `type`. */
  version?: V;
  /** Emitting service (`"payments"`). */
  producer: string;
  /** Aggregate id the event is about. */
  subject: string;
  data: EventDataInput<T, V>;
  traceparent?: string;
}

/**
 * Builds a new event with a fresh `evt_` id and `occurred_at` = now, validated against the registry.
 * Throws {@link InvalidEventError} so a bad event fails in the producer's transaction instead of becoming
 * poison in every consumer's queue.
 */
export function createEvent<T extends EventType, V extends EventVersion<T> = LatestVersion<T>>(
  input: CreateEventInput<T, V>,
): EventOf<T, V> {
  const candidate = {
    id: newId("evt"),
    type: input.type,
    version: input.version ?? latestVersion(input.type),
    occurred_at: nowIso(),
    producer: input.producer,
    subject: input.subject,
    data: input.data,
    ...(input.traceparent === undefined ? {} : { traceparent: input.traceparent }),
  };
  const parsed = parseEvent(candidate);
  if (!parsed.ok) throw new InvalidEventError(parsed.reason);
  // parseEvent checked the type and version we put in, so the result is the (T, V) member of the union.
  return parsed.event as unknown as EventOf<T, V>;
}
