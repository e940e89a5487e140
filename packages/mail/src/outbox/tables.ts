import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * The mail outbox. A service that sends mail re-exports this table from its own `db/schema.ts`, so
 * drizzle-kit puts it in that service's migrations (as with the event outbox). A row is written in the same
 * transaction as what the mail is about (a token, a password change); the relay sends it later, so a
 * request never waits on, or fails with, the SMTP server.
 *
 * The bodies may carry a one-time link (its token is stored only hashed elsewhere): they are cleared once
 * the mail is sent, keeping the plaintext at rest no longer than delivery takes.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    /** `msg_…`; also the mail's `Message-ID`, stable across retries. */
    id: text("id").primaryKey(),
    toAddress: text("to_address").notNull(),
    /** Template name, for metrics and the operators' view (never the variables). */
    template: text("template").notNull(),
    locale: text("locale").notNull(),
    subject: text("subject").notNull(),
    /** Null once sent. */
    textBody: text("text_body"),
    htmlBody: text("html_body"),
    createdAt: at("created_at").notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull().defaultNow(),
    /** A relay that claimed the row owns it until then; after a crash another relay may take it over. */
    leaseUntil: at("lease_until"),
    lastError: text("last_error"),
    sentAt: at("sent_at"),
    /** Given up: the server refused the message (5xx), or retries ran out. */
    failedAt: at("failed_at"),
  },
  (t) => [
    index("mail_outbox_pending_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.sentAt} IS NULL AND ${t.failedAt} IS NULL`),
  ],
);

/** A mail outbox row. */
export type MailOutboxRow = typeof mailOutbox.$inferSelect;
