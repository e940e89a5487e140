import { type EventEnvelope, type EventOf, newId } from "@payments/contracts";
import { applyOnce } from "@payments/events";
import { and, eq } from "drizzle-orm";
import type { PaymentsDb } from "../../core.ts";
import type { LedgerCore } from "../core.ts";
import { postEntry } from "../db/journal.ts";
import { balanceTransactions } from "../db/schema.ts";
import { paymentEntry, refundEntry } from "../domain/entries.ts";
import { paymentFee, refundedFee } from "../domain/fees.ts";

/** Inbox consumer name and queue of the ledger module. */
export const LEDGER_CONSUMER = "ledger";
/** The events the ledger journals. */
export const LEDGER_EVENTS = ["payment.succeeded", "refund.succeeded"] as const;

/**
 * A refund whose payment the ledger has not journaled yet (its event is late): thrown so the bus retries the
 * refund later, by when the payment's entry exists; nothing of the refund is written meanwhile.
 */
export class PaymentNotInLedgerError extends Error {}

/** What applying one event did. */
export type ApplyOutcome = "applied" | "duplicate" | "ignored";

/**
 * Journals one event, in one transaction with its inbox row: the entry, its postings, the account balances
 * and the vendor's balance transaction all commit together or not at all (a consumer killed mid-way leaves
 * nothing, and the redelivery applies it whole). A redelivery finds the inbox row, or the entry's unique
 * source key once the inbox was pruned, and changes nothing.
 */
export async function applyLedgerEvent(core: LedgerCore, event: EventEnvelope): Promise<ApplyOutcome> {
  if (event.type !== "payment.succeeded" && event.type !== "refund.succeeded") return "ignored";
  let wrote = false;
  const outcome = await applyOnce(core.db, LEDGER_CONSUMER, event, async (tx) => {
    wrote =
      event.type === "payment.succeeded"
        ? await journalPayment(core, tx, event)
        : await journalRefund(core, tx, event);
  });
  if (outcome === "applied" && wrote) {
    core.metrics.entries.inc({ source: event.type === "payment.succeeded" ? "payment" : "refund" });
    return "applied";
  }
  return "duplicate";
}

type Succeeded = EventOf<"payment.succeeded">;
type Refunded = EventOf<"refund.succeeded">;

async function journalPayment(core: LedgerCore, tx: PaymentsDb, event: Succeeded): Promise<boolean> {
  const p = event.data;
  const fee = paymentFee(core.fees(), p.amount, p.currency);
  const now = core.now();
  // The delay counts from the success itself, not from when the event reached us (a late event settles on time).
  const availableOn = new Date(new Date(event.occurred_at).getTime() + core.settings.settlementDelayMs);
  const entryId = await postEntry(
    tx,
    paymentEntry({
      eventId: event.id,
      paymentId: p.id,
      payerId: p.payer_id,
      payeeId: p.payee_id,
      amount: p.amount,
      fee,
      currency: p.currency,
    }),
    now,
    {
      beforeBalances: async (id) => {
        await tx.insert(balanceTransactions).values({
          id: newId("txn"),
          vendorId: p.payee_id,
          type: "payment",
          sourceId: p.id,
          currency: p.currency,
          gross: p.amount,
          fee,
          net: p.amount - fee,
          status: "pending",
          availableOn,
          createdAt: now,
          entryId: id,
        });
      },
    },
  );
  if (!entryId) return false;
  return true;
}

async function journalRefund(core: LedgerCore, tx: PaymentsDb, event: Refunded): Promise<boolean> {
  const r = event.data;
  const [payment] = await tx
    .select({ gross: balanceTransactions.gross, fee: balanceTransactions.fee })
    .from(balanceTransactions)
    .where(and(eq(balanceTransactions.type, "payment"), eq(balanceTransactions.sourceId, r.payment_id)));
  if (!payment)
    throw new PaymentNotInLedgerError(`refund ${r.id}: payment ${r.payment_id} is not in the ledger yet`);
  const feeReturned = refundedFee(
    core.fees().refunds,
    { amount: payment.gross, fee: payment.fee },
    r.payment_amount_refunded - r.amount,
    r.payment_amount_refunded,
  );
  const now = core.now();
  const entryId = await postEntry(
    tx,
    refundEntry({
      eventId: event.id,
      refundId: r.id,
      payerId: r.payer_id,
      payeeId: r.payee_id,
      amount: r.amount,
      feeReturned,
      currency: r.currency,
    }),
    now,
    {
      beforeBalances: async (id) => {
        await tx.insert(balanceTransactions).values({
          id: newId("txn"),
          vendorId: r.payee_id,
          type: "refund",
          sourceId: r.id,
          currency: r.currency,
          gross: -r.amount,
          fee: -feeReturned,
          net: -(r.amount - feeReturned),
          status: "available",
          availableOn: now,
          createdAt: now,
          entryId: id,
        });
      },
    },
  );
  if (!entryId) return false;
  return true;
}
