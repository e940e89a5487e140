import { type EventEnvelope, type Id, newId, type PaymentStatus } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import { and, eq } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { type PaymentRow, type PaymentState, payments, paymentTransitions } from "./schema.ts";

/** Fields a transition may set besides the status. */
export interface TransitionFields {
  failureCode?: string | null;
  failureMessage?: string | null;
  canceledBy?: Id<"usr"> | null;
  cancellationReason?: string | null;
  amountRefunded?: number;
  amountRefundPending?: number;
}

/** One state change of a payment. */
export interface TransitionInput {
  paymentId: Id<"pay">;
  from: PaymentStatus;
  to: PaymentStatus;
  /** The user who caused it; null for the platform (processor, deactivation). */
  actorId: string | null;
  reason?: string | null;
  fields?: TransitionFields;
  now: Date;
}

/**
 * Runs `work` in one transaction: everything it writes through the `tx` it is given commits together, or
 * nothing does. The use cases' unit of work, so that they never touch the driver themselves.
 */
export function inTransaction<T>(db: PaymentsDb, work: (tx: PaymentsDb) => Promise<T>): Promise<T> {
  return db.transaction(work);
}

/**
 * One guarded update (`WHERE id = $1 AND status = from`), its history row and the outbox row of
 * `eventOf(row)`, inside the caller's transaction. Undefined when the guard did not match.
 */
export async function writeTransition(
  tx: PaymentsDb,
  input: TransitionInput,
  eventOf: (row: PaymentState) => EventEnvelope | undefined,
): Promise<PaymentRow | undefined> {
  const [row] = await tx
    .update(payments)
    .set({ ...input.fields, status: input.to, updatedAt: input.now })
    .where(and(eq(payments.id, input.paymentId), eq(payments.status, input.from)))
    .returning();
  if (!row) return undefined;
  await tx.insert(paymentTransitions).values({
    id: newId("att"),
    paymentId: row.id,
    fromStatus: input.from,
    toStatus: input.to,
    actorId: input.actorId,
    reason: input.reason ?? null,
    createdAt: input.now,
  });
  const event = eventOf(row);
  if (event) await enqueueEvents(tx, [event]);
  return row;
}
