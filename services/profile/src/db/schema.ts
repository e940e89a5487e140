import { inbox, outbox } from "@payments/events";
import { sql } from "drizzle-orm";
import { check, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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

export { inbox, outbox };

/** Everything drizzle needs to know about the profile database. */
export const profileSchema = { profiles, preferences, outbox, inbox };

/** The profile schema's type, for `Database<ProfileSchema>`. */
export type ProfileSchema = typeof profileSchema;
/** A profile row. */
export type ProfileRow = typeof profiles.$inferSelect;
/** A preferences row. */
export type PreferencesRow = typeof preferences.$inferSelect;
