import { createEvent, type EventEnvelope } from "@payments/contracts";
import type { PublicUser } from "./users.ts";

/** Producer name on every event this service emits. */
export const PRODUCER = "auth";

/** Why sessions ended, as `session.revoked` says it. */
export type RevokeReason =
  | "logout"
  | "logout_all"
  | "revoked_by_user"
  | "refresh_token_reuse"
  | "password_changed"
  | "role_changed"
  | "user_deactivated"
  | "api_key_revoked";

type UserId = PublicUser["id"];
type SessionId = `ses_${string}`;

/** Largest `session_ids` list one event may carry (the contract's limit). */
const MAX_SESSIONS_PER_EVENT = 1000;

/** `user.registered` for a new account. */
export function userRegistered(user: PublicUser, traceparent?: string): EventEnvelope {
  return createEvent({
    type: "user.registered",
    producer: PRODUCER,
    subject: user.id,
    data: user,
    traceparent,
  });
}

/** `user.updated` with the names of the changed fields. */
export function userUpdated(user: PublicUser, changed: string[], traceparent?: string): EventEnvelope {
  return createEvent({
    type: "user.updated",
    producer: PRODUCER,
    subject: user.id,
    data: { ...user, changed },
    traceparent,
  });
}

/** `user.role_changed`: the user with the new role, the previous one and the admin who changed it. */
export function userRoleChanged(
  user: PublicUser,
  previousRole: PublicUser["role"],
  changedBy: UserId | null,
  traceparent?: string,
): EventEnvelope {
  return createEvent({
    type: "user.role_changed",
    producer: PRODUCER,
    subject: user.id,
    data: { ...user, previous_role: previousRole, changed_by: changedBy },
    traceparent,
  });
}

/** `user.deactivated`. */
export function userDeactivated(
  user: PublicUser,
  deactivatedBy: UserId | null,
  traceparent?: string,
): EventEnvelope {
  return createEvent({
    type: "user.deactivated",
    producer: PRODUCER,
    subject: user.id,
    data: { ...user, active: false, deactivated_by: deactivatedBy },
    traceparent,
  });
}

/** `session.started`: a new session (device) signed in and holds until `expiresAt` unless revoked. */
export function sessionStarted(
  user: Pick<PublicUser, "id" | "role">,
  sessionId: SessionId,
  expiresAt: Date,
  traceparent?: string,
  device: { newDevice: boolean; device: string | null } = { newDevice: false, device: null },
): EventEnvelope {
  return createEvent({
    type: "session.started",
    producer: PRODUCER,
    subject: user.id,
    data: {
      user_id: user.id,
      session_id: sessionId,
      role: user.role,
      expires_at: expiresAt.toISOString(),
      new_device: device.newDevice,
      device: device.device,
    },
    traceparent,
  });
}

/** `session.revoked` events for `sessionIds` (split into chunks the contract accepts; none when empty). */
export function sessionsRevoked(
  userId: UserId,
  sessionIds: readonly SessionId[],
  reason: RevokeReason,
  traceparent?: string,
): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < sessionIds.length; i += MAX_SESSIONS_PER_EVENT) {
    events.push(
      createEvent({
        type: "session.revoked",
        producer: PRODUCER,
        subject: userId,
        data: { user_id: userId, session_ids: sessionIds.slice(i, i + MAX_SESSIONS_PER_EVENT), reason },
        traceparent,
      }),
    );
  }
  return events;
}
