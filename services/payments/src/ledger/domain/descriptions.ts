import type { LineSources } from "../db/line-sources.ts";
import type { BalanceTransactionRow } from "../db/schema.ts";

/**
 * A balance line in the words a vendor's statement uses (Stripe's balance transactions carry a
 * description too): who paid or was refunded and for what, or which bank account a payout went to.
 * A source the page could not read (it is never deleted, so only a bug) leaves the line's kind alone.
 */
export function describeLine(row: BalanceTransactionRow, sources: LineSources): string {
  if (row.type === "payment" || row.type === "refund") {
    const payment = sources.payments.get(row.sourceId);
    const kind = row.type === "payment" ? "Payment" : "Refund";
    if (!payment) return kind;
    const who = `${kind} ${row.type === "payment" ? "from" : "to"} ${payment.payerName ?? "a customer"}`;
    return payment.description ? `${who} — ${payment.description}` : who;
  }
  const last4 = sources.payouts.get(row.sourceId);
  const payout = last4 ? `Payout to the account ending ${last4}` : "Payout";
  return row.type === "payout" ? payout : `${payout}, returned`;
}
