import { and, count, desc, eq, isNull, lt, type SQL } from "drizzle-orm";
import type { ProfileDb } from "./queries.ts";
import { type NotificationRow, notifications } from "./schema.ts";

/**
 * Stores a notification unless this (user, source event, kind) has one already; the id when it was new.
 * The unique index makes a duplicate event harmless even if it got past the inbox.
 */
export async function insertNotification(
  tx: ProfileDb,
  row: typeof notifications.$inferInsert,
): Promise<string | undefined> {
  const [inserted] = await tx
    .insert(notifications)
    .values(row)
    .onConflictDoNothing({ target: [notifications.userId, notifications.sourceEventId, notifications.kind] })
    .returning({ id: notifications.id });
  return inserted?.id;
}

/** A page of the user's notifications, newest first (ids sort by creation), one extra to tell `has_more`. */
export async function listNotifications(
  db: ProfileDb,
  userId: string,
  page: { limit: number; startingAfter?: string; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  const where: SQL[] = [eq(notifications.userId, userId)];
  if (page.startingAfter) where.push(lt(notifications.id, page.startingAfter));
  if (page.unreadOnly) where.push(isNull(notifications.readAt));
  return db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(desc(notifications.id))
    .limit(page.limit + 1);
}

/** How many of the user's notifications are unread. */
export async function countUnread(db: ProfileDb, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks one of the user's notifications read (keeping the first read time); the row, or undefined if not theirs. */
export async function markNotificationRead(
  db: ProfileDb,
  userId: string,
  id: string,
  at: Date,
): Promise<NotificationRow | undefined> {
  await db
    .update(notifications)
    .set({ readAt: at })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)));
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
  return row;
}

/** Marks every unread notification of the user read; how many changed. */
export async function markAllNotificationsRead(db: ProfileDb, userId: string, at: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** Deletes notifications created before `cutoff` (the retention); how many. */
export async function purgeNotifications(db: ProfileDb, cutoff: Date): Promise<number> {
  const rows = await db
    .delete(notifications)
    .where(lt(notifications.createdAt, cutoff))
    .returning({ id: notifications.id });
  return rows.length;
}
