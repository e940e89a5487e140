import { type Id, minorUnitExponent } from "@payments/contracts";
import { PAYMENT_CSV_COLUMNS } from "@payments/contracts/http";
import { csvRow, csvStream } from "@payments/service-kit";
import type { PaymentsCore } from "../core.ts";
import { listPayments, type NamedPayment, type PaymentFilter } from "../db/lists.ts";
import { failureWords } from "../domain/failures.ts";

/** Rows read per query: large enough to stream fast, small enough to hold one batch in memory. */
export const EXPORT_BATCH_SIZE = 500;

/** Integer minor units → the decimal a spreadsheet reads as a number ("12.50" for 1250 usd, "500" jpy). */
export function majorUnits(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  if (exponent === 0) return String(amount);
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  const text = `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return amount < 0 ? `-${text}` : text;
}

function csvLine(p: NamedPayment): string {
  return csvRow([
    p.id,
    p.createdAt.toISOString(),
    p.status,
    p.payerId,
    p.payerName,
    p.payeeId,
    p.payeeName,
    p.currency,
    majorUnits(p.amount, p.currency),
    majorUnits(p.amountRefunded, p.currency),
    p.description,
    failureWords(p.failureCode),
  ]);
}

/**
 * Every payment `filter` matches, newest first, as a CSV stream read in keyset batches: as many rows as the
 * filter selects, never more than one batch in memory, and a payment created during the export either is
 * in it or is not, but no row appears twice.
 */
export function paymentsCsv(
  core: PaymentsCore,
  filter: PaymentFilter,
  batchSize = EXPORT_BATCH_SIZE,
): ReadableStream<Uint8Array> {
  return csvStream<Id<"pay">>({
    columns: PAYMENT_CSV_COLUMNS,
    batchSize,
    async batch(after) {
      const { rows } = await listPayments(core.db, { ...filter, limit: batchSize, startingAfter: after });
      return { lines: rows.map(csvLine), next: rows.at(-1)?.id };
    },
    onError: (err) => core.logger.error({ err }, "payments CSV export failed"),
  });
}
