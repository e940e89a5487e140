import type { Id } from "@payments/contracts";
import { sql } from "drizzle-orm";
import { bigint, bigserial, index, pgSchema, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The ledger's tables, in a Postgres schema of their own inside the payments database (docs/adr/0031): the
 * module owns them, and nothing outside `src/ledger` writes them. Money is `bigint` minor units; JS reads
 * it as a number, exact up to 2^53 (sums of 9,000 maximal payments), which the API's limits keep us under.
 */
export const ledgerSchema = pgSchema("ledger");

const money = (name: string) => bigint(name, { mode: "number" });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * An account's `balance` is kept in the transaction that posts to it, so reads and the payout guard need no
 * sum; the reconciliation proves it equals the sum of its postings. Ids say what they are:
 * `vendor:<usr>:available:<cur>`, `customer:<usr>:spent:<cur>`, `platform:fee_revenue:<cur>`.
 */
export const accounts = ledgerSchema.table(
  "accounts",
  {
    id: text("id").primaryKey(),
    ownerType: text("owner_type").$type<"vendor" | "customer" | "platform">().notNull(),
    ownerId: text("owner_id"),
    kind: text("kind").$type<AccountKind>().notNull(),
    currency: text("currency").notNull(),
    balance: money("balance").notNull().default(0),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [index("accounts_owner_idx").on(t.ownerId, t.currency)],
);

/** What an account holds. */
export type AccountKind =
  | "pending"
  | "available"
  | "in_transit"
  | "spent"
  | "fee_revenue"
  | "processor_clearing";

/**
 * Journal entries: append-only (a trigger refuses UPDATE and DELETE), one per source event; the unique
 * `source_key` (the event id, or `release:<txn>` / `payout:<po>:<step>`) makes a redelivery a no-op.
 */
export const entries = ledgerSchema.table(
  "entries",
  {
    id: text("id").$type<Id<"le">>().primaryKey(),
    sourceKey: text("source_key").notNull(),
    sourceType: text("source_type").$type<EntrySource>().notNull(),
    sourceId: text("source_id").notNull(),
    currency: text("currency").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("entries_source_key_idx").on(t.sourceKey),
    index("entries_source_idx").on(t.sourceType, t.sourceId),
  ],
);

/** Why an entry was written. */
export type EntrySource = "payment" | "refund" | "release" | "payout" | "payout_paid" | "payout_failed";

/** Postings: signed amounts; each entry's sum to zero (a deferred constraint trigger checks it at commit). */
export const postings = ledgerSchema.table(
  "postings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    entryId: text("entry_id")
      .$type<Id<"le">>()
      .notNull()
      .references(() => entries.id),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    currency: text("currency").notNull(),
    amount: money("amount").notNull(),
  },
  (t) => [index("postings_entry_idx").on(t.entryId), index("postings_account_idx").on(t.accountId)],
);

/**
 * The vendor's view of its balance, one line per movement, written with the entry that made it. `status`
 * is the one mutable field: `pending` until `available_on`, when the release entry moves the money.
 */
export const balanceTransactions = ledgerSchema.table(
  "balance_transactions",
  {
    id: text("id").$type<Id<"txn">>().primaryKey(),
    vendorId: text("vendor_id").$type<Id<"usr">>().notNull(),
    type: text("type").$type<"payment" | "refund" | "payout" | "payout_failure">().notNull(),
    sourceId: text("source_id").notNull(),
    currency: text("currency").notNull(),
    gross: money("gross").notNull(),
    fee: money("fee").notNull(),
    net: money("net").notNull(),
    status: text("status").$type<"pending" | "available">().notNull(),
    availableOn: at("available_on").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    entryId: text("entry_id").$type<Id<"le">>().notNull(),
  },
  (t) => [
    index("balance_transactions_vendor_idx").on(t.vendorId, t.id),
    index("balance_transactions_due_idx").on(t.availableOn).where(sql`${t.status} = 'pending'`),
    uniqueIndex("balance_transactions_source_idx").on(t.type, t.sourceId),
  ],
);

/** Payouts: pending → in_transit → paid | failed. A scheduled one is unique per vendor, currency and day. */
export const payouts = ledgerSchema.table(
  "payouts",
  {
    id: text("id").$type<Id<"po">>().primaryKey(),
    vendorId: text("vendor_id").$type<Id<"usr">>().notNull(),
    amount: money("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<"pending" | "in_transit" | "paid" | "failed">().notNull(),
    method: text("method").$type<"on_demand" | "scheduled">().notNull(),
    scheduleDate: text("schedule_date"),
    bankLast4: text("bank_last4").notNull(),
    failureCode: text("failure_code"),
    arrivalAt: at("arrival_at"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("payouts_vendor_idx").on(t.vendorId, t.id),
    index("payouts_open_idx").on(t.status).where(sql`${t.status} IN ('pending', 'in_transit')`),
    uniqueIndex("payouts_schedule_idx").on(t.vendorId, t.currency, t.scheduleDate),
  ],
);

/** A vendor's payout destination, masked: only the last 4 characters are ever stored. */
export const bankAccounts = ledgerSchema.table("bank_accounts", {
  vendorId: text("vendor_id").$type<Id<"usr">>().primaryKey(),
  last4: text("last4").notNull(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export type BalanceTransactionRow = typeof balanceTransactions.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;
