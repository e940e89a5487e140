import type { Id } from "@payments/contracts";
import { eq } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { type PaymentRow, payments, type RefundRow, refunds } from "./schema.ts";

/** The payment, locked until the caller's transaction ends (refunds reserve and settle under it). */
export async function lockPayment(tx: PaymentsDb, id: Id<"pay">): Promise<PaymentRow | undefined> {
  const [row] = await tx.select().from(payments).where(eq(payments.id, id)).for("update");
  return row;
}

/** Sets what is reserved for refunds at the processor (and, when given, `updated_at`). */
export async function setRefundPending(
  tx: PaymentsDb,
  id: Id<"pay">,
  pending: number,
  updatedAt?: Date,
): Promise<void> {
  await tx
    .update(payments)
    .set(updatedAt ? { amountRefundPending: pending, updatedAt } : { amountRefundPending: pending })
    .where(eq(payments.id, id));
}

/** Inserts a refund row. */
export async function insertRefund(tx: PaymentsDb, refund: typeof refunds.$inferInsert): Promise<RefundRow> {
  const [row] = await tx.insert(refunds).values(refund).returning();
  if (!row) throw new Error("payments: refund insert returned no row");
  return row;
}

/** Settles a refund row with the processor's answer; undefined if the row is gone. */
export async function settleRefundRow(
  tx: PaymentsDb,
  id: Id<"re">,
  fields: Pick<RefundRow, "status" | "failureCode" | "failureMessage" | "updatedAt">,
): Promise<RefundRow | undefined> {
  const [row] = await tx.update(refunds).set(fields).where(eq(refunds.id, id)).returning();
  return row;
}
