import { createEvent, type PaymentStatus } from "@payments/contracts";
import { currentTraceparent, inSpan } from "@payments/service-kit";
import type { PaymentsDb } from "../core.ts";
import type { PaymentRow, PaymentState } from "../db/schema.ts";
import { type TransitionInput, writeTransition } from "../db/transitions.ts";
import { canTransition } from "../domain/state-machine.ts";
import { paymentSnapshot } from "../domain/views.ts";

export type { TransitionFields, TransitionInput } from "../db/transitions.ts";

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

/** Attributes of a `payment.transition` span (ids and statuses only; amounts and names stay out). */
export function transitionAttributes(paymentId: string, from: PaymentStatus, to: PaymentStatus) {
  return { "payment.id": paymentId, "payment.transition.from": from, "payment.transition.to": to };
}

/**
 * Moves a payment `from → to` inside the caller's transaction: one guarded update (`WHERE id = $1 AND status
 * = from`), a transition row, and the outbox row of its event. Returns the updated payment, or undefined
 * when the guard did not match — someone else moved it first, and the caller lost the race. Traced as
 * `payment.transition` (its event carries that span's traceparent).
 */
export async function applyTransition(
  tx: PaymentsDb,
  input: TransitionInput,
): Promise<PaymentRow | undefined> {
  if (!canTransition(input.from, input.to)) {
    throw new Error(`payments: transition ${input.from} → ${input.to} is not in the state machine`);
  }
  const attributes = transitionAttributes(input.paymentId, input.from, input.to);
  return inSpan("payment.transition", { attributes }, async (span) => {
    const row = await writeTransition(tx, input, transitionEvent);
    span.setAttribute("payment.transition.applied", row !== undefined);
    return row;
  });
}
