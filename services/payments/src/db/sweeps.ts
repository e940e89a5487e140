import type { Id } from "@payments/contracts";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import type { AttemptRecord } from "./payment-writes.ts";
import { type PaymentRow, paymentAttempts, payments } from "./schema.ts";

/** Records a processor attempt that did not decide the payment (a timeout or error, to be retried). */
export async function recordAttempt(db: PaymentsDb, attempt: AttemptRecord): Promise<void> {
  // A second worker resuming the same payment may have recorded this number already: keep the first.
  await db.insert(paymentAttempts).values(attempt).onConflictDoNothing();
}

/** Processor attempts recorded for a payment. */
export async function countAttempts(db: PaymentsDb, paymentId: Id<"pay">): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(paymentAttempts)
    .where(eq(paymentAttempts.paymentId, paymentId));
  return row?.n ?? 0;
}

/** Up to `limit` payments still `pending` or `processing` and untouched since `cutoff`. */
export async function stuckPayments(db: PaymentsDb, cutoff: Date, limit: number): Promise<Id<"pay">[]> {
  const rows = await db
    .select({ id: payments.id })
    .from(payments)
    .where(and(inArray(payments.status, ["pending", "processing"]), lte(payments.updatedAt, cutoff)))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Claims a processing payment for a sweeper: moves its `updated_at` only if it is still as read, so a
 * second sweeper (another process) that read the same row leaves it alone. The claimed row, or undefined.
 */
export async function claimProcessing(
  db: PaymentsDb,
  payment: Pick<PaymentRow, "id" | "updatedAt">,
  now: Date,
): Promise<PaymentRow | undefined> {
  const [claimed] = await db
    .update(payments)
    .set({ updatedAt: now })
    .where(
      and(
        eq(payments.id, payment.id),
        eq(payments.status, "processing"),
        eq(payments.updatedAt, payment.updatedAt),
      ),
    )
    .returning();
  return claimed;
}
