import { createEvent, type Id, newId, type PaymentStatus } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import { currentTraceparent } from "@payments/service-kit";
import { and, eq } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { type PaymentRow, type PaymentState, payments, paymentTransitions } from "../db/schema.ts";
import { canTransition } from "../domain/state-machine.ts";
import { paymentSnapshot } from "../domain/views.ts";

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

/** The event announcing that `payment` entered its current status. */
export function transitionEvent(payment: PaymentState) {
  const base = { producer: "payments", subject: payment.id, traceparent: currentTraceparent() };
  const snapshot = paymentSnapshot(payment);
  switch (payment.status) {
    case "processing":
      return createEvent({
        ...base,
        type: "payment.processing",
        data: { ...snapshot, status: "processing" },
      });
    case "succeeded":
      return createEvent({ ...base, type: "payment.succeeded", data: { ...snapshot, status: "succeeded" } });
    case "failed":
      return createEvent({
        ...base,
        type: "payment.failed",
        data: {
          ...snapshot,
          status: "failed",
          failure_code: payment.failureCode ?? "processor_error",
          failure_message: payment.failureMessage ?? "",
        },
      });
    case "canceled":
      return createEvent({
        ...base,
        type: "payment.canceled",
        data: {
          ...snapshot,
          status: "canceled",
          canceled_by: payment.canceledBy ?? null,
          cancellation_reason: payment.cancellationReason ?? "requested_by_customer",
        },
      });
    default:
      // Refund statuses are announced by refund.* events, creation by payment.created.
      return undefined;
  }
}

/**
 * Moves a payment `from → to` inside the caller's transaction: one guarded update (`WHERE id = $1 AND status
 * = from`), a transition row, and the outbox row of its event. Returns the updated payment, or undefined
 * when the guard did not match — someone else moved it first, and the caller lost the race.
 */
export async function applyTransition(
  tx: PaymentsDb,
  input: TransitionInput,
): Promise<PaymentRow | undefined> {
  if (!canTransition(input.from, input.to)) {
    throw new Error(`payments: transition ${input.from} → ${input.to} is not in the state machine`);
  }
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
  const event = transitionEvent(row);
  if (event) await enqueueEvents(tx, [event]);
  return row;
}
