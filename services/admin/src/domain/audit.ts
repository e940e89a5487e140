import type { EventEnvelope, Id } from "@payments/contracts";

/** What the audit log records about an event besides the envelope itself. */
export interface AuditFacts {
  /** `aud_` + the event's ULID: sorts like the event ids, i.e. in creation order. */
  id: Id<"aud">;
  /** The user who caused the event, when the event names one. */
  actorId: string | null;
  /** Trace id of the envelope's `traceparent` (the request that caused the event). */
  traceId: string | null;
}

/** Session revocations the user asked for themselves; the others are done to them (admin, security). */
const SELF_REVOCATIONS = new Set(["logout", "logout_all", "revoked_by_user", "password_changed"]);

/**
 * Who caused an event, from what its data says. Null when the platform did it (the processor settling a
 * payment) or the event does not record it (`user.updated`, refunds): the audit log never guesses.
 */
export function actorOf(event: EventEnvelope): string | null {
  switch (event.type) {
    case "user.registered":
      return event.data.id;
    case "user.role_changed":
      return event.data.changed_by;
    case "user.deactivated":
      return event.data.deactivated_by;
    case "user.invited":
      return event.data.invited_by;
    case "session.revoked":
      return SELF_REVOCATIONS.has(event.data.reason) ? event.data.user_id : null;
    case "payment.created":
      return event.data.payer_id;
    case "payment.canceled":
      return event.data.canceled_by;
    case "config.updated":
      return event.data.updated_by;
    case "profile.updated":
    case "user.two_factor_changed":
    case "api_key.used":
      return event.data.user_id;
    default:
      return null;
  }
}

/** The trace id (32 hex) of a W3C traceparent, or null when there is none or it is the invalid all-zero id. */
export function traceIdOf(traceparent: string | undefined): string | null {
  const traceId = traceparent?.split("-")[1];
  if (!traceId || !/^[0-9a-f]{32}$/.test(traceId) || /^0+$/.test(traceId)) return null;
  return traceId;
}

/** The audit facts of an event. */
export function auditFactsOf(event: EventEnvelope): AuditFacts {
  return {
    id: `aud_${event.id.slice("evt_".length)}`,
    actorId: actorOf(event),
    traceId: traceIdOf(event.traceparent),
  };
}
