import { z } from "zod";
import { idSchema } from "../../ids/index.ts";
import { timestampSchema } from "../../time/index.ts";

/**
 * What a notification tells its reader (docs/adr/0028). Payment and refund kinds follow the user's
 * `payment_updates` / `refund_updates` switches; the security kinds are always sent.
 */
export const NOTIFICATION_KINDS = [
  "payment_received",
  "payment_succeeded",
  "payment_failed",
  "refund_issued",
  "refund_received",
  "new_device_sign_in",
  "password_changed",
  "two_factor_changed",
  "email_changed",
] as const;

/** One of {@link NOTIFICATION_KINDS}. */
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);

/** A {@link notificationKindSchema} value. */
export type NotificationKind = z.infer<typeof notificationKindSchema>;

/**
 * `notification.created` v1: a notification for `user_id` was stored. The gateway pushes it to that user's
 * room only (it is personal), so the bell's count rises without a reload; the text is read from the API.
 */
export const notificationCreatedV1 = z.object({
  user_id: idSchema("usr"),
  id: idSchema("ntf"),
  kind: notificationKindSchema,
  created_at: timestampSchema,
});
