import { createEvent, type EventEnvelope, type NotificationKind, newId } from "@payments/contracts";
import type { NotificationView } from "@payments/contracts/http";
import { applyOnce, enqueueEvents } from "@payments/events";
import { enqueueMail, type MailTemplate, type MailVariables, mailLink, renderSummary } from "@payments/mail";
import { notFound } from "@payments/service-kit";
import { PRODUCER, type ProfileCore } from "../core.ts";
import {
  countUnread,
  insertNotification,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "../db/notification-queries.ts";
import { findPreferences, findProfile, type ProfileDb } from "../db/queries.ts";
import type { NotificationRow, ProfileRow } from "../db/schema.ts";
import {
  allowed,
  categoryOf,
  mailLocaleOf,
  noticeWords,
  type PlannedNotice,
  planNotices,
} from "../domain/notifications.ts";
import { toPreferencesView } from "../domain/views.ts";

/** The inbox consumer of notifications: apart from the account-event consumer, as `user.updated` feeds both. */
export const NOTIFICATIONS_CONSUMER = "profile.notifications";

/** The name a notice shows for a user: their display name, else the account name. */
function shownName(row: ProfileRow | undefined, fallback: string): string {
  return row?.displayName ?? row?.accountName ?? fallback;
}

/** The template's values, typed as the mail package wants them (every value is a string here). */
function asVars<T extends MailTemplate>(_template: T, vars: Record<string, string>): MailVariables[T] {
  // noticeWords fills every placeholder the kind's template names; render.ts stringifies values anyway.
  return vars as MailVariables[T];
}

/** Stores one planned notice in `tx` (if the reader's switches allow it); the event announcing it, if new. */
async function storeNotice(
  core: ProfileCore,
  tx: ProfileDb,
  plan: PlannedNotice,
  event: EventEnvelope,
): Promise<EventEnvelope | undefined> {
  const reader = await findProfile(tx, plan.userId);
  if (reader && reader.status !== "active") return undefined;
  const prefs = toPreferencesView(await findPreferences(tx, plan.userId));
  if (!allowed(plan.kind, prefs.notifications)) return undefined;
  const party = plan.partyId ? shownName(await findProfile(tx, plan.partyId), "") : "";
  const now = core.now();
  const data = { ...plan.data, ...(plan.partyId ? { party } : {}) };
  const id = await insertNotification(tx, {
    id: newId("ntf"),
    userId: plan.userId,
    kind: plan.kind,
    sourceEventId: event.id,
    data,
    link: plan.link,
    createdAt: now,
  });
  if (!id) return undefined;
  if (plan.mail && reader?.accountEmail) {
    const { template, vars } = noticeWords(plan.kind, data, {
      name: shownName(reader, ""),
      party,
      locale: prefs.locale,
      link: mailLink(core.mail.publicBaseUrl, plan.link),
    });
    await enqueueMail(tx, {
      to: reader.accountEmail,
      template,
      locale: mailLocaleOf(prefs.locale),
      vars: asVars(template, vars),
    });
  }
  return createEvent({
    type: "notification.created",
    producer: PRODUCER,
    subject: plan.userId,
    data: {
      user_id: plan.userId as `usr_${string}`,
      id: id as `ntf_${string}`,
      kind: plan.kind,
      created_at: now.toISOString(),
    },
    traceparent: event.traceparent,
  });
}

/**
 * Turns an event into the notifications it asks for, at most once (inbox), in one transaction with their
 * `notification.created` events and mails: all of it commits or none of it does.
 */
export async function applyNotifyingEvent(core: ProfileCore, event: EventEnvelope): Promise<void> {
  const plans = planNotices(event);
  if (plans.length === 0) return;
  const emitted: EventEnvelope[] = [];
  const outcome = await applyOnce(core.db, NOTIFICATIONS_CONSUMER, event, async (tx) => {
    for (const plan of plans) {
      const created = await storeNotice(core, tx, plan, event);
      if (created) emitted.push(created);
    }
    if (emitted.length > 0) await enqueueEvents(tx, emitted);
  });
  if (outcome === "duplicate" || emitted.length === 0) return;
  core.eventsCommitted();
  core.mail.committed();
}

/** A stored notification in the reader's words (rendered now, in their locale now). */
function toView(row: NotificationRow, locale: string): NotificationView {
  const kind = row.kind as NotificationKind;
  const { template, vars } = noticeWords(kind, row.data, {
    name: "",
    party: row.data.party ?? "",
    locale,
    link: row.link ?? "",
  });
  const words = renderSummary(template, mailLocaleOf(locale), asVars(template, vars));
  return {
    id: row.id as NotificationView["id"],
    kind,
    title: words.subject,
    body: words.intro.join(" "),
    link: row.link,
    security: categoryOf(kind) === "security",
    read_at: row.readAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

async function localeOf(core: ProfileCore, userId: string): Promise<string> {
  return toPreferencesView(await findPreferences(core.db, userId)).locale;
}

/** A page of the caller's notifications and their unread count. */
export async function listOwnNotifications(
  core: ProfileCore,
  userId: string,
  query: { limit: number; starting_after?: string | undefined; unread?: "true" | "false" | undefined },
) {
  const rows = await listNotifications(core.db, userId, {
    limit: query.limit,
    startingAfter: query.starting_after,
    unreadOnly: query.unread === "true",
  });
  const locale = await localeOf(core, userId);
  return {
    data: rows.slice(0, query.limit).map((row) => toView(row, locale)),
    has_more: rows.length > query.limit,
    unread_count: await countUnread(core.db, userId),
  };
}

/** The caller's unread count. */
export async function unreadCount(core: ProfileCore, userId: string) {
  return { unread_count: await countUnread(core.db, userId) };
}

/** Marks one of the caller's notifications read; 404 when it is not theirs (or gone). */
export async function markOwnRead(core: ProfileCore, userId: string, id: string): Promise<NotificationView> {
  const row = await markNotificationRead(core.db, userId, id, core.now());
  if (!row) throw notFound("No such notification.", "notification_not_found");
  return toView(row, await localeOf(core, userId));
}

/** Marks every notification of the caller read. */
export async function markAllOwnRead(core: ProfileCore, userId: string) {
  const marked = await markAllNotificationsRead(core.db, userId, core.now());
  return { marked, unread_count: await countUnread(core.db, userId) };
}
