import type { Id, PaymentStatus, Role } from "@payments/contracts";
import { inbox, outbox } from "@payments/events";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export { inbox, outbox };

const money = (name: string) => bigint(name, { mode: "number" });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Payments. `amount_refunded` only counts settled refunds; `amount_refund_pending` reserves refunds that are
 * at the processor, so the guard `refunded + pending + new ≤ amount` holds even while two refunds race.
 */
export const payments = pgTable(
  "payments",
  {
    id: text("id").$type<Id<"pay">>().primaryKey(),
    payerId: text("payer_id").$type<Id<"usr">>().notNull(),
    payeeId: text("payee_id").$type<Id<"usr">>().notNull(),
    amount: money("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<PaymentStatus>().notNull(),
    amountRefunded: money("amount_refunded").notNull().default(0),
    amountRefundPending: money("amount_refund_pending").notNull().default(0),
    description: text("description"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    canceledBy: text("canceled_by").$type<Id<"usr">>(),
    cancellationReason: text("cancellation_reason"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // Lists are "my payments, newest first" as payer or as payee, ordered and paged by (created_at, id):
    // ids sort by the time they were made, which is not the payment's time when it was backdated (the seed).
    index("payments_payer_created_idx").on(t.payerId, t.createdAt, t.id),
    index("payments_payee_created_idx").on(t.payeeId, t.createdAt, t.id),
    index("payments_created_idx").on(t.createdAt, t.id),
    // The worker's recovery sweep looks for payments stuck in flight.
    index("payments_in_flight_idx").on(t.updatedAt).where(sql`${t.status} IN ('pending', 'processing')`),
  ],
);

/** One row per state change, written in the transition's transaction: the payment's audit trail. */
export const paymentTransitions = pgTable(
  "payment_transitions",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id")
      .notNull()
      .references(() => payments.id),
    fromStatus: text("from_status").$type<PaymentStatus>(),
    toStatus: text("to_status").$type<PaymentStatus>().notNull(),
    /** `usr_…` of the user who caused it, or null for the platform (processor, deactivation). */
    actorId: text("actor_id"),
    reason: text("reason"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [index("payment_transitions_payment_idx").on(t.paymentId, t.createdAt)],
);

/** Calls to the processor: outcome and latency of each, including timeouts that were retried. */
export const paymentAttempts = pgTable(
  "payment_attempts",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id")
      .notNull()
      .references(() => payments.id),
    attempt: integer("attempt").notNull(),
    outcome: text("outcome").$type<"succeeded" | "declined" | "timeout" | "error">().notNull(),
    failureCode: text("failure_code"),
    latencyMs: integer("latency_ms").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("payment_attempts_payment_attempt_idx").on(t.paymentId, t.attempt)],
);

/** Refunds of a payment; `pending` while at the processor, then `succeeded` or `failed`. */
export const refunds = pgTable(
  "refunds",
  {
    id: text("id").$type<Id<"re">>().primaryKey(),
    paymentId: text("payment_id")
      .$type<Id<"pay">>()
      .notNull()
      .references(() => payments.id),
    amount: money("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason"),
    status: text("status").$type<"pending" | "succeeded" | "failed">().notNull(),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    requestedBy: text("requested_by").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [index("refunds_payment_idx").on(t.paymentId, t.createdAt)],
);

/**
 * Idempotency keys (ARCHITECTURE §3), scoped per user. `lock_token` names the request that owns an
 * in-flight key: only that request may complete it, so a takeover of a stale key can never be overwritten
 * by the request that was presumed dead.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state").$type<"in_flight" | "completed">().notNull(),
    lockToken: text("lock_token").notNull(),
    responseStatus: integer("response_status"),
    /** The response body exactly as first sent (text, not jsonb: jsonb would reorder its keys). */
    responseBody: text("response_body"),
    createdAt: at("created_at").notNull().defaultNow(),
    lockedAt: at("locked_at").notNull().defaultNow(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);

/**
 * The local read model of users, built from auth's `user.*` events (never a call to auth at request time).
 * `source_at` is the `occurred_at` of the event that wrote the row, so a late, older event cannot undo a
 * newer one.
 */
export const userDirectory = pgTable(
  "user_directory",
  {
    id: text("id").$type<Id<"usr">>().primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    active: boolean("active").notNull(),
    /**
     * The user confirmed their e-mail address (docs/adr/0017): only then may they pay or be paid. Rows and
     * events from before verification existed count as verified, as auth counted those accounts.
     */
    emailVerified: boolean("email_verified").notNull().default(true),
    sourceAt: at("source_at").notNull(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [index("user_directory_role_name_idx").on(t.role, t.name)],
);

/** Every table of the payments database, for drizzle's schema-aware client. */
export const paymentsSchema = {
  payments,
  paymentTransitions,
  paymentAttempts,
  refunds,
  idempotencyKeys,
  userDirectory,
  outbox,
  inbox,
};

/** Type of {@link paymentsSchema}. */
export type PaymentsSchema = typeof paymentsSchema;

/** A payment row. */
export type PaymentRow = typeof payments.$inferSelect;
/** A payment without the fields only its creator sets and nothing changes (what transitions and events use). */
export type PaymentState = Omit<PaymentRow, "description" | "metadata">;
/** A refund row. */
export type RefundRow = typeof refunds.$inferSelect;
/** A read-model user row. */
export type DirectoryUser = typeof userDirectory.$inferSelect;
