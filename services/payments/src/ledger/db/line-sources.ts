import type { Id } from "@payments/contracts";
import { eq, inArray, or } from "drizzle-orm";
import type { PaymentsDb } from "../../core.ts";
import { payments, refunds, userDirectory } from "../../db/schema.ts";
import { type BalanceTransactionRow, payouts } from "./schema.ts";

/** The payment behind a payment or refund line: what the vendor's customer paid for, and who they are. */
export interface PaymentSource {
  paymentId: Id<"pay">;
  description: string | null;
  /** The payer's name in the read model; null for a payer it has not heard of yet. */
  payerName: string | null;
}

/** What a page of balance lines came from, by the lines' source ids. */
export interface LineSources {
  payments: Map<string, PaymentSource>;
  /** A payout's (or returned payout's) destination: the bank account's last 4. */
  payouts: Map<string, string>;
}

const idsOf = (rows: readonly BalanceTransactionRow[], types: BalanceTransactionRow["type"][]) =>
  rows.filter((r) => types.includes(r.type)).map((r) => r.sourceId);

/**
 * Reads the sources of `rows` for their descriptions, for the whole page at once: one query for the
 * payments behind payment and refund lines (a refund line's payment through its refund), one for the
 * payouts, and none for a kind the page does not hold. The ledger is a module of payments (ADR 0031), so its
 * lines join the payments, refunds and user directory of the same database.
 */
export async function readLineSources(
  db: PaymentsDb,
  rows: readonly BalanceTransactionRow[],
): Promise<LineSources> {
  const paymentIds = idsOf(rows, ["payment"]) as Id<"pay">[];
  const refundIds = idsOf(rows, ["refund"]) as Id<"re">[];
  const payoutIds = idsOf(rows, ["payout", "payout_failure"]) as Id<"po">[];
  const wanted = [
    paymentIds.length > 0 ? inArray(payments.id, paymentIds) : undefined,
    refundIds.length > 0 ? inArray(refunds.id, refundIds) : undefined,
  ].filter((condition) => condition !== undefined);
  const [paid, paidOut] = await Promise.all([
    wanted.length === 0
      ? []
      : db
          .select({
            paymentId: payments.id,
            refundId: refunds.id,
            description: payments.description,
            payerName: userDirectory.name,
          })
          .from(payments)
          .leftJoin(refunds, eq(refunds.paymentId, payments.id))
          .leftJoin(userDirectory, eq(userDirectory.id, payments.payerId))
          .where(or(...wanted)),
    payoutIds.length === 0
      ? []
      : db
          .select({ source: payouts.id, last4: payouts.bankLast4 })
          .from(payouts)
          .where(inArray(payouts.id, payoutIds)),
  ]);
  // One row per payment and refund: a payment line is found by its payment, a refund line by its refund.
  const bySource = new Map<string, PaymentSource>();
  for (const { refundId, ...payment } of paid) {
    bySource.set(payment.paymentId, payment);
    if (refundId) bySource.set(refundId, payment);
  }
  return { payments: bySource, payouts: new Map(paidOut.map((p) => [p.source as string, p.last4])) };
}
