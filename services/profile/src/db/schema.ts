import { inbox, outbox } from "@payments/events";
import { mailOutbox } from "@payments/mail";
import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Address, Notifications } from "../domain/fields.ts";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Where a profile is in its life: in use, or emptied after the user was deactivated (per policy). */
export type ProfileStatus = "active" | "anonymised" | "deleted";

/**
 * One profile per user. Created by whichever comes first — `user.registered`, another `user.*` event, or the
 * owner's own update — so nothing is lost when events arrive late or out of order. `account_event_*` is the
 * newest account event applied: an older one arriving later cannot undo it.
 */
export const profiles = pgTable(
  "profiles",
  {
    userId: text("user_id").primaryKey(),
    /** The account's name (auth's), from `user.*` events. */
    accountName: text("account_name"),
    /** The account's e-mail address (auth's), from `user.*` events: where notification mails go. */
    accountEmail: text("account_email"),
    /** The owner's choice; shown instead of the account name when set. */
    displayName: text("display_name"),
    avatarUrl: text("avatar_url"),
    phone: text("phone"),
    address: jsonb("address").$type<Address>(),
    bio: text("bio"),
    status: text("status").$type<ProfileStatus>().notNull().default("active"),
    /** When `user.registered` was applied (null: it has not arrived yet). */
    registeredAt: timestamptz("registered_at"),
    deactivatedAt: timestamptz("deactivated_at"),
    accountEventAt: timestamptz("account_event_at"),
    accountEventId: text("account_event_id"),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [check("profiles_status_check", sql`${t.status} IN ('active', 'anonymised', 'deleted')`)],
);

/** A user's preferences; no row means the defaults. */
export const preferences = pgTable(
  "preferences",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => profiles.userId, { onDelete: "cascade" }),
    theme: text("theme").$type<"light" | "dark" | "system">().notNull(),
    locale: text("locale").notNull(),
    defaultCurrency: text("default_currency"),
    notifications: jsonb("notifications").$type<Notifications>().notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [check("preferences_theme_check", sql`${t.theme} IN ('light', 'dark', 'system')`)],
);

/**
 * The notification centre (docs/adr/0028). One row per (user, source event, kind): a redelivered event
 * that slipped past the inbox still cannot notify twice. `data` holds the values the text is rendered from
 * at read time, in the reader's locale then.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    kind: text("kind").notNull(),
    sourceEventId: text("source_event_id").notNull(),
    data: jsonb("data").$type<Record<string, string>>().notNull(),
    link: text("link"),
    createdAt: timestamptz("created_at").notNull(),
    readAt: timestamptz("read_at"),
  },
  (t) => [
    uniqueIndex("notifications_source_idx").on(t.userId, t.sourceEventId, t.kind),
    index("notifications_user_idx").on(t.userId, t.id),
    index("notifications_unread_idx").on(t.userId).where(sql`${t.readAt} IS NULL`),
    index("notifications_created_idx").on(t.createdAt),
  ],
);

export { inbox, mailOutbox, outbox };

/** Everything drizzle needs to know about the profile database. */
export const profileSchema = { profiles, preferences, notifications, outbox, inbox, mailOutbox };

/** The profile schema's type, for `Database<ProfileSchema>`. */
export type ProfileSchema = typeof profileSchema;
/** A profile row. */
export type ProfileRow = typeof profiles.$inferSelect;
/** A preferences row. */
export type PreferencesRow = typeof preferences.$inferSelect;
/** A notification row. */
export type NotificationRow = typeof notifications.$inferSelect;
