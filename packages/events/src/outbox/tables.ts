import type { EventEnvelope } from "@payments/contracts";
import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The transactional outbox. Each publishing service re-exports this table from its own `db/schema.ts`, so
 * drizzle-kit puts it in that service's migrations and database (no shared database). A row is written in
 * the same transaction as the state change it announces; the relay publishes it later.
 */
export const outbox = pgTable(
  "outbox",
  {
    /** Publication order: rows are relayed in commit-sequence order. */
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    eventId: text("event_id").notNull().unique(),
    type: text("type").notNull(),
    envelope: jsonb("envelope").$type<EventEnvelope>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastError: text("last_error"),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date" }),
  },
  // The relay only ever scans unpublished rows; a partial index keeps that scan small however big the table.
  (t) => [index("outbox_pending_idx").on(t.seq).where(sql`${t.publishedAt} IS NULL`)],
);

/**
 * The inbox: one row per (consumer, event id) applied. Inserting it in the handler's transaction makes a
 * redelivered event a no-op, which is what turns at-least-once delivery into exactly-once effects.
 */
export const inbox = pgTable(
  "inbox",
  {
    consumer: text("consumer").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.consumer, t.eventId] }),
    index("inbox_processed_at_idx").on(t.processedAt),
  ],
);
