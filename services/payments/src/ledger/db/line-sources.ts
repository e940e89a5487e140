import type { Id } from "@payments/contracts";
import { eq, inArray } from "drizzle-orm";
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
 * Reads the sources of `rows` for their descriptions: one query per kind of source, for the whole page, and
 * none for a kind the page does not hold. The ledger is a module of payments (ADR 0031), so its lines join
 * the payments, refunds and user directory of the same database.
 */
export async function readLineSources(
  db: PaymentsDb,
  rows: readonly BalanceTransactionRow[],
): Promise<LineSources> {
  const paymentIds = idsOf(rows, ["payment"]) as Id<"pay">[];
  const refundIds = idsOf(rows, ["refund"]) as Id<"re">[];
  const payoutIds = idsOf(rows, ["payout", "payout_failure"]) as Id<"po">[];
  const fields = {
    paymentId: payments.id,
    description: payments.description,
    payerName: userDirectory.name,
  };
  const [paid, refunded, paidOut] = await Promise.all([
    paymentIds.length === 0
      ? []
      : db
          .select({ source: payments.id, ...fields })
          .from(payments)
          .leftJoin(userDirectory, eq(userDirectory.id, payments.payerId))
          .where(inArray(payments.id, paymentIds)),
    refundIds.length === 0
      ? []
      : db
          .select({ source: refunds.id, ...fields })
          .from(refunds)
          .innerJoin(payments, eq(payments.id, refunds.paymentId))
          .leftJoin(userDirectory, eq(userDirectory.id, payments.payerId))
          .where(inArray(refunds.id, refundIds)),
    payoutIds.length === 0
      ? []
      : db
          .select({ source: payouts.id, last4: payouts.bankLast4 })
          .from(payouts)
          .where(inArray(payouts.id, payoutIds)),
  ]);
  return {
    payments: new Map([...paid, ...refunded].map(({ source, ...payment }) => [source as string, payment])),
    payouts: new Map(paidOut.map((p) => [p.source as string, p.last4])),
  };
}
