import { z } from "zod";
import { notificationKindSchema } from "../events/data/notifications.ts";
import { idSchema } from "../ids/ids.ts";
import { timestampSchema } from "../time/time.ts";
import { component, operation, pageOf } from "./operation.ts";

/**
 * The notification centre (docs/adr/0028), served by the profile service under `/api/profile/notifications`.
 * Every route acts on the caller's own notifications only.
 */

/** A notification as its reader sees it: what happened, in words the service wrote, and whether it was read. */
export const notificationSchema = component(
  "Notification",
  z.object({
    id: idSchema("ntf"),
    kind: notificationKindSchema,
    title: z.string().describe("One line, in the reader's locale"),
    body: z.string().describe("A sentence or two, in the reader's locale"),
    link: z.string().nullable().describe("A path of the platform to open (`/payments/pay_…`), if any"),
    security: z.boolean().describe("A security notice (cannot be switched off)"),
    read_at: timestampSchema.nullable(),
    created_at: timestampSchema,
  }),
);
export type NotificationView = z.infer<typeof notificationSchema>;

/** A page of notifications plus the unread count (the bell's number). */
export const notificationListSchema = component(
  "NotificationList",
  pageOf(notificationSchema).extend({ unread_count: z.int().min(0) }),
);

/** The bell's number. */
export const unreadCountSchema = component(
  "NotificationUnreadCount",
  z.object({ unread_count: z.int().min(0) }),
);

/** Query of `GET /notifications`: newest first, `starting_after` pages on, `unread=true` only unread ones. */
export const listNotificationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: idSchema("ntf").optional().describe("Cursor: the last id of the previous page"),
  unread: z.enum(["true", "false"]).optional().describe("`true`: only unread notifications"),
});

/** No query parameters: the routes act on the caller only. */
const noQuery = z.strictObject({});

/** `{id}` of `/notifications/{id}/read`. */
export const notificationIdParam = z.object({ id: idSchema("ntf") });

export const notificationsList = operation({
  service: "profile",
  id: "notifications.list",
  method: "get",
  path: "/notifications",
  summary: "My notifications, newest first, with the unread count",
  description: "Kept for the retention period (PROFILE_NOTIFICATION_RETENTION_DAYS, 90 days by default).",
  tags: ["notifications"],
  security: "bearer",
  query: listNotificationsQuery,
  responses: { 200: { description: "A page of notifications", schema: notificationListSchema } },
});

export const notificationsUnreadCount = operation({
  service: "profile",
  id: "notifications.unreadCount",
  method: "get",
  path: "/notifications/unread-count",
  summary: "How many of my notifications are unread (the bell's number)",
  tags: ["notifications"],
  security: "bearer",
  query: noQuery,
  responses: { 200: { description: "Unread count", schema: unreadCountSchema } },
});

export const notificationsMarkRead = operation({
  service: "profile",
  id: "notifications.markRead",
  method: "post",
  path: "/notifications/{id}/read",
  summary: "Mark one of my notifications read (again: no change)",
  description: "Another user's notification, or one past its retention, is 404 `notification_not_found`.",
  tags: ["notifications"],
  security: "bearer",
  params: notificationIdParam,
  query: noQuery,
  responses: { 200: { description: "The notification after", schema: notificationSchema } },
  errors: [404],
});

export const notificationsMarkAllRead = operation({
  service: "profile",
  id: "notifications.markAllRead",
  method: "post",
  path: "/notifications/read-all",
  summary: "Mark every notification of mine read",
  tags: ["notifications"],
  security: "bearer",
  query: noQuery,
  responses: {
    200: {
      description: "How many changed; the unread count after (0)",
      schema: component(
        "NotificationsMarkedRead",
        z.object({ marked: z.int().min(0), unread_count: z.int().min(0) }),
      ),
    },
  },
});

/** Every notification operation. */
export const NOTIFICATION_OPERATIONS = [
  notificationsList,
  notificationsUnreadCount,
  notificationsMarkRead,
  notificationsMarkAllRead,
] as const;
