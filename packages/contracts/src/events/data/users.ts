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
  /**
   * Whether the user confirmed their e-mail address (docs/adr/0017). Optional in events, because those
   * enqueued before it existed lack it; consumers read a missing value as verified (such accounts were
   * counted as verified when the field arrived).
   */
  email_verified: z.boolean().optional(),
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

/** `user.invited` v1: an admin created the account and mailed the invitation; `user.registered` follows on acceptance. */
export const userInvitedV1 = userSnapshotSchema.extend({ invited_by: idSchema("usr") });

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
  /**
   * The user had signed in before, but never with this browser (user agent) — the notification service
   * tells them (docs/adr/0028). Optional: events enqueued before it existed lack it (read as false).
   */
  new_device: z.boolean().optional(),
  /** The browser's user agent as the sign-in sent it (shown in the notice), if any. */
  device: z.string().max(256).nullable().optional(),
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
  "api_key_revoked",
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

/** What changed about a user's second factor. */
export const twoFactorChangeSchema = z.enum([
  "enabled",
  "disabled",
  "recovery_codes_regenerated",
  "recovery_code_used",
]);

/**
 * `user.two_factor_changed` v1: a security notice (docs/adr/0018) — two-factor sign-in was turned on or
 * off, the recovery codes were replaced, or one was spent signing in. Carries no secret and no code.
 */
export const userTwoFactorChangedV1 = z.object({
  user_id: idSchema("usr"),
  email: z.email().max(254),
  change: twoFactorChangeSchema,
  enabled: z.boolean().describe("Two-factor is on after the change"),
  recovery_codes_remaining: z.int().min(0).max(100),
});

/**
 * `api_key.used` v1: one call made with an API key, for the audit log (docs/adr/0033). The gateway emits it
 * after answering, straight to the bus (it has no database, hence no outbox): a call made while the broker
 * is away is in the gateway's log line only.
 */
export const apiKeyUsedV1 = z.object({
  api_key_id: idSchema("apk"),
  user_id: idSchema("usr"),
  method: z.string().min(1).max(10),
  path: z.string().min(1).max(2048),
  status: z.int().min(100).max(599),
  request_id: z.string().min(1).max(128),
});
