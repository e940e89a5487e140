import type { EventEnvelope, Id, PaymentStatus } from "@payments/contracts";
import { inbox, outbox } from "@payments/events";
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { SystemConfig } from "../domain/system-config.ts";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const money = (name: string) => bigint(name, { mode: "number" });

/**
 * One row per event the platform emitted (consumer queue "admin", bound to `#`). The id is `aud_` + the
 * event's ULID, so rows sort in the order the events were created, whatever order they arrived in.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").$type<Id<"aud">>().primaryKey(),
    eventId: text("event_id").$type<Id<"evt">>().notNull().unique(),
    type: text("type").notNull(),
    version: integer("version").notNull(),
    producer: text("producer").notNull(),
    subject: text("subject").notNull(),
    /** `usr_…` who caused the event, when the event says so (null: the platform, or not recorded). */
    actorId: text("actor_id"),
    /** The 32-hex trace id of the envelope's `traceparent`. */
    traceId: text("trace_id"),
    occurredAt: timestamptz("occurred_at").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
    envelope: jsonb("envelope").$type<EventEnvelope>().notNull(),
  },
  (t) => [
    // Each filter walks its own index in id order, so a filtered page costs what an unfiltered one does.
    index("audit_log_subject_idx").on(t.subject, t.id),
    index("audit_log_actor_idx").on(t.actorId, t.id),
    index("audit_log_trace_idx").on(t.traceId, t.id),
    // `text_pattern_ops` lets `type LIKE 'payment.%'` use the index whatever the database collation.
    index("audit_log_type_idx").on(t.type.op("text_pattern_ops"), t.id),
    index("audit_log_occurred_at_idx").on(t.occurredAt),
  ],
);

/** Every version of the system configuration; the highest is current. Rows are never updated. */
export const configVersions = pgTable("config_versions", {
  version: integer("version").primaryKey(),
  settings: jsonb("settings").$type<SystemConfig>().notNull(),
  changedKeys: jsonb("changed_keys").$type<string[]>().notNull(),
  updatedBy: text("updated_by").$type<Id<"usr">>().notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
});

/**
 * Event-derived counters in UTC buckets of a minute and of a day, written in the transaction of the audit
 * row. `metric` says what is counted (`payments`: each payment once, in the bucket of its creation, by
 * `label` = its current status; `payment_failures` by code, `events` by type, …); `currency` and `label`
 * are '' when they do not apply, so the primary key needs no nulls.
 */
export const dashboardCounters = pgTable(
  "dashboard_counters",
  {
    granularity: text("granularity").$type<"minute" | "day">().notNull(),
    bucketStart: timestamptz("bucket_start").notNull(),
    metric: text("metric").notNull(),
    currency: text("currency").notNull().default(""),
    label: text("label").notNull().default(""),
    count: money("count").notNull(),
    amount: money("amount").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.granularity, t.bucketStart, t.metric, t.currency, t.label] }),
    check("dashboard_counters_granularity_check", sql`${t.granularity} IN ('minute', 'day')`),
  ],
);

/**
 * The latest known state of every payment seen in events: lets the handler move a payment from one status
 * total to another, and ignore an event older than what it already applied (out-of-order delivery).
 */
export const paymentStates = pgTable("payment_states", {
  paymentId: text("payment_id").primaryKey(),
  status: text("status").$type<PaymentStatus>().notNull(),
  currency: text("currency").notNull(),
  /** Null until an event carrying the payment's amount arrived (refund events do not carry it). */
  amount: money("amount"),
  amountRefunded: money("amount_refunded").notNull(),
  /** Progress rank of `status` (pending 0 … refunded 4); with `amount_refunded` it orders states. */
  rank: integer("rank").notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
  /**
   * When the payment was created (its `created_at`): the bucket it counts in on the dashboard. Null until a
   * `payment.*` event arrived (refund events do not carry it).
   */
  createdAt: timestamptz("created_at"),
});

/** How many payments are in each status and currency right now, with their amounts. */
export const paymentStatusTotals = pgTable(
  "payment_status_totals",
  {
    status: text("status").$type<PaymentStatus>().notNull(),
    currency: text("currency").notNull(),
    count: money("count").notNull(),
    amount: money("amount").notNull(),
    amountRefunded: money("amount_refunded").notNull(),
  },
  (t) => [primaryKey({ columns: [t.status, t.currency] })],
);

/**
 * Sessions known from `session.started` / `session.revoked`, for the dashboard's "active sessions". A
 * revocation may arrive before its start (no order across a queue's redeliveries), so a row can exist with
 * `ended_at` and no `expires_at` yet; the start then fills in the rest without reviving it.
 */
export const liveSessions = pgTable(
  "live_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: text("user_id").notNull(),
    role: text("role"),
    startedAt: timestamptz("started_at"),
    expiresAt: timestamptz("expires_at"),
    endedAt: timestamptz("ended_at"),
  },
  (t) => [index("live_sessions_open_idx").on(t.expiresAt).where(sql`${t.endedAt} IS NULL`)],
);

export { inbox, outbox };

/** Everything drizzle needs to know about the admin database. */
export const adminSchema = {
  auditLog,
  configVersions,
  dashboardCounters,
  paymentStates,
  paymentStatusTotals,
  liveSessions,
  outbox,
  inbox,
};

/** The admin schema's type, for `Database<AdminSchema>`. */
export type AdminSchema = typeof adminSchema;
/** An audit-log row. */
export type AuditRow = typeof auditLog.$inferSelect;
/** A config version row. */
export type ConfigVersionRow = typeof configVersions.$inferSelect;
/** A payment-state row. */
export type PaymentStateRow = typeof paymentStates.$inferSelect;
