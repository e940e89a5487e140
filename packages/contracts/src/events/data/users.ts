import { z } from "zod";
import { idSchema } from "../../ids/index.ts";
import { timestampSchema } from "../../time/index.ts";
import { ROLES } from "./values.ts";

/** A user's role: `customer` pays, `vendor` receives, `admin` governs. */
export const roleSchema = z.enum(ROLES);

/** A {@link roleSchema} value. */
export type Role = z.infer<typeof roleSchema>;

/** The user as every `user.*` event carries it (never credentials). */
export const userSnapshotSchema = z.object({
  id: idSchema("usr"),
  email: z.email().max(254),
  name: z.string().min(1).max(200),
  role: roleSchema,
  active: z.boolean(),
  created_at: timestampSchema,
});

/** Names of changed fields; free strings so a producer can add a field without a new event version. */
const changedFieldsSchema = z.array(z.string().min(1).max(64)).min(1).max(32);

/** `user.registered` v1: a new account. */
export const userRegisteredV1 = userSnapshotSchema;

/** `user.updated` v1: the user after the change and which fields changed. */
export const userUpdatedV1 = userSnapshotSchema.extend({ changed: changedFieldsSchema });

/** `user.role_changed` v1: the user with the new role, the previous one, and the admin who changed it. */
export const userRoleChangedV1 = userSnapshotSchema.extend({
  previous_role: roleSchema,
  changed_by: idSchema("usr").nullable(),
});

/** `user.deactivated` v1: the user, now inactive (consumers cancel pending work and close sessions). */
export const userDeactivatedV1 = userSnapshotSchema.extend({
  active: z.literal(false),
  deactivated_by: idSchema("usr").nullable(),
});

/**
 * `session.started` v1: a new session (device) signed in; it holds until `expires_at` unless a
 * `session.revoked` ends it first. Not in ARCHITECTURE §1's list: the admin dashboard's "active sessions"
 * (issue 6) needs it, since a count built from events must see sessions begin (docs/adr/0006).
 */
export const sessionStartedV1 = z.object({
  user_id: idSchema("usr"),
  session_id: idSchema("ses"),
  role: roleSchema,
  expires_at: timestampSchema,
});

/** Why sessions ended; consumers (the gateway) close the sockets of these sessions whatever the reason. */
export const sessionRevokeReasonSchema = z.enum([
  "logout",
  "logout_all",
  "revoked_by_user",
  "refresh_token_reuse",
  "password_changed",
  "role_changed",
  "user_deactivated",
]);

/**
 * `session.revoked` v1: sessions (devices, one refresh-token family each) that no longer hold; their access
 * tokens stay valid until expiry, so the gateway drops their WebSockets on this event.
 */
export const sessionRevokedV1 = z.object({
  user_id: idSchema("usr"),
  session_ids: z.array(idSchema("ses")).min(1).max(1000),
  reason: sessionRevokeReasonSchema,
});
