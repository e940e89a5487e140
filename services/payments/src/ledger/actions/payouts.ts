import { type Id, newId } from "@payments/contracts";
import type { payoutSchema } from "@payments/contracts/http";
import { badRequest } from "@payments/service-kit";
import { and, eq, inArray, lte } from "drizzle-orm";
import type { z } from "zod";
import type { CompleteKey } from "../../actions/idempotency.ts";
import type { PaymentsDb } from "../../core.ts";
import type { LedgerCore } from "../core.ts";
import { lockedBalance, postEntry } from "../db/journal.ts";
import { accounts, balanceTransactions, bankAccounts, type PayoutRow, payouts } from "../db/schema.ts";
import { accountId, payoutEntry, vendorAccount } from "../domain/entries.ts";
import { maskAccountNumber, payoutOutcome } from "../domain/payout-simulator.ts";

/** A payout as the API shows it. */
export type ApiPayout = z.infer<typeof payoutSchema>;

export function toApiPayout(row: PayoutRow): ApiPayout {
  return {
    id: row.id,
    object: "payout",
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    method: row.method,
    bank_last4: row.bankLast4,
    failure_code: row.failureCode,
    arrival_at: row.arrivalAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Stores the vendor's payout account, masked: the full number never reaches the database or a log. */
export async function setBankAccount(core: LedgerCore, vendorId: Id<"usr">, accountNumber: string) {
  const last4 = maskAccountNumber(accountNumber);
  const now = core.now();
  await core.db
    .insert(bankAccounts)
    .values({ vendorId, last4, updatedAt: now })
    .onConflictDoUpdate({ target: bankAccounts.vendorId, set: { last4, updatedAt: now } });
  return { object: "bank_account" as const, last4, updated_at: now.toISOString() };
}

/** A payout request: on demand (a person, with an idempotency key) or the daily schedule (one per day). */
interface PayoutRequest {
  vendorId: Id<"usr">;
  amount: number;
  currency: string;
  method: "on_demand" | "scheduled";
  /** `YYYY-MM-DD` of a scheduled run: a second run the same day creates nothing. */
  scheduleDate?: string;
}

/**
 * Moves `amount` from the vendor's available balance to "in transit" and records a pending payout, in one
 * transaction. The available account's row is locked first, so concurrent requests are serialised on it and
 * each sees what the previous left: never more is paid out than the balance. Returns undefined when a
 * scheduled payout of that day exists already.
 */
async function reservePayout(
  core: LedgerCore,
  tx: PaymentsDb,
  req: PayoutRequest,
): Promise<PayoutRow | undefined> {
  const [bank] = await tx.select().from(bankAccounts).where(eq(bankAccounts.vendorId, req.vendorId));
  if (!bank) throw badRequest("no_bank_account", "Add a bank account before requesting a payout.");
  const available = await lockedBalance(
    tx,
    accountId(vendorAccount(req.vendorId, "available", req.currency)),
  );
  if (req.amount > available) {
    throw badRequest(
      "insufficient_funds",
      `The payout exceeds the available balance (${Math.max(available, 0)} ${req.currency}).`,
      "amount",
    );
  }
  const now = core.now();
  const [row] = await tx
    .insert(payouts)
    .values({
      id: newId("po"),
      vendorId: req.vendorId,
      amount: req.amount,
      currency: req.currency,
      status: "pending",
      method: req.method,
      scheduleDate: req.scheduleDate ?? null,
      bankLast4: bank.last4,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return undefined;
  const entryId = await postEntry(tx, payoutEntry("created", row), now);
  if (!entryId) throw new Error(`payout ${row.id}: its entry exists already`);
  await tx.insert(balanceTransactions).values({
    id: newId("txn"),
    vendorId: row.vendorId,
    type: "payout",
    sourceId: row.id,
    currency: row.currency,
    gross: -row.amount,
    fee: 0,
    net: -row.amount,
    status: "available",
    availableOn: now,
    createdAt: now,
    entryId,
  });
  return row;
}

/** `POST /payouts`: an on-demand payout, its response stored with the idempotency key in the same transaction. */
export async function createPayout(
  core: LedgerCore,
  vendorId: Id<"usr">,
  body: { amount: number; currency: string },
  complete: CompleteKey,
): Promise<{ status: number; body: ApiPayout }> {
  const response = await core.db.transaction(async (tx) => {
    const row = await reservePayout(core, tx, { vendorId, ...body, method: "on_demand" });
    if (!row) throw new Error("an on-demand payout cannot collide with a scheduled one");
    const stored = { status: 201, body: toApiPayout(row) };
    await complete(tx, stored);
    return stored;
  });
  core.metrics.entries.inc({ source: "payout" });
  core.metrics.payouts.inc({ status: "pending" });
  return response;
}

/** `YYYY-MM-DD` (UTC) of `at`. */
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** When the daily payout run next happens after `now`. */
export function nextPayoutRun(now: Date, hourUtc: number): Date {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  return today > now ? today : new Date(today.getTime() + 86_400_000);
}

/**
 * The daily schedule: once the day's payout hour has passed, every vendor with a bank account is paid out its
 * whole positive available balance in each currency (at most one scheduled payout per vendor, currency, day).
 */
export async function runPayoutSchedule(core: LedgerCore): Promise<number> {
  const now = core.now();
  const runAt = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), core.settings.payoutHourUtc),
  );
  if (now < runAt) return 0;
  const due = await core.db
    .select({ vendorId: bankAccounts.vendorId, currency: accounts.currency, balance: accounts.balance })
    .from(bankAccounts)
    .innerJoin(accounts, and(eq(accounts.ownerId, bankAccounts.vendorId), eq(accounts.kind, "available")));
  let created = 0;
  for (const d of due) {
    if (d.balance <= 0) continue;
    const row = await core.db
      .transaction(async (tx) => {
        // The balance is read again under the lock inside: the payout takes what is available then.
        const available = await lockedBalance(
          tx,
          accountId(vendorAccount(d.vendorId, "available", d.currency)),
        );
        if (available <= 0) return undefined;
        return reservePayout(core, tx, {
          vendorId: d.vendorId,
          amount: available,
          currency: d.currency,
          method: "scheduled",
          scheduleDate: dayOf(now),
        });
      })
      .catch((err: unknown) => {
        core.logger.warn({ err, vendor_id: d.vendorId }, "scheduled payout not created");
        return undefined;
      });
    if (row) {
      created++;
      core.metrics.entries.inc({ source: "payout" });
      core.metrics.payouts.inc({ status: "pending" });
    }
  }
  return created;
}

/**
 * Moves payouts along at the simulated payout processor: pending ones are sent (in transit, arriving after
 * the configured delay); arrived ones are paid or, by the simulator's magic amounts, fail and return the
 * funds to the available balance. Each step is one guarded transaction.
 */
export async function advancePayouts(core: LedgerCore): Promise<number> {
  const now = core.now();
  let moved = 0;
  const sent = await core.db
    .update(payouts)
    .set({
      status: "in_transit",
      arrivalAt: new Date(now.getTime() + core.settings.payoutArrivalMs),
      updatedAt: now,
    })
    .where(eq(payouts.status, "pending"))
    .returning({ id: payouts.id });
  if (sent.length > 0) core.metrics.payouts.inc({ status: "in_transit" }, sent.length);
  moved += sent.length;
  const arrived = await core.db
    .select()
    .from(payouts)
    .where(and(eq(payouts.status, "in_transit"), lte(payouts.arrivalAt, now)))
    .limit(500);
  for (const payout of arrived) {
    const outcome = payoutOutcome(payout.amount);
    const done = await core.db.transaction(async (tx) => {
      const [row] = await tx
        .update(payouts)
        .set({
          status: outcome.status,
          failureCode: outcome.status === "failed" ? outcome.code : null,
          updatedAt: now,
        })
        .where(and(eq(payouts.id, payout.id), inArray(payouts.status, ["in_transit"])))
        .returning();
      if (!row) return false;
      const entryId = await postEntry(tx, payoutEntry(outcome.status, row), now);
      if (entryId && outcome.status === "failed") {
        await tx.insert(balanceTransactions).values({
          id: newId("txn"),
          vendorId: row.vendorId,
          type: "payout_failure",
          sourceId: row.id,
          currency: row.currency,
          gross: row.amount,
          fee: 0,
          net: row.amount,
          status: "available",
          availableOn: now,
          createdAt: now,
          entryId,
        });
      }
      return true;
    });
    if (done) {
      moved++;
      core.metrics.payouts.inc({ status: outcome.status });
      core.metrics.entries.inc({ source: outcome.status === "paid" ? "payout_paid" : "payout_failed" });
    }
  }
  return moved;
}
