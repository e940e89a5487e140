import { createEvent, type Id, newId } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import { ApiError, badRequest, conflict, currentTraceparent } from "@payments/service-kit";
import type { PaymentsCore, PaymentsDb } from "../core.ts";
import { findPayment } from "../db/queries.ts";
import { insertRefund, lockPayment as lockRow, setRefundPending, settleRefundRow } from "../db/refunds.ts";
import type { PaymentRow, RefundRow } from "../db/schema.ts";
import { inTransaction } from "../db/transitions.ts";
import { checkRefund, type RefundCheck, statusAfterRefunds } from "../domain/state-machine.ts";
import { type ApiRefund, refundSnapshot, toApiRefund } from "../domain/views.ts";
import { type PaymentProcessor, type ProcessorResult, withTimeout } from "../processor/processor.ts";
import { afterCommit } from "./cached-views.ts";
import type { CompleteKey } from "./idempotency.ts";
import { type Actor, paymentNotFound, refuseInactiveActor, visibleTo } from "./payments.ts";
import { applyTransition } from "./transition.ts";

/** The validated body of `POST /:id/refunds`. */
export interface RefundInput {
  /** Minor units; omitted = everything not yet refunded. */
  amount?: number | undefined;
  reason?: string | undefined;
}

/** What refunds need besides the core. */
export interface RefundDeps {
  processor: PaymentProcessor;
  processorTimeoutMs: number;
}

function refusal(check: Exclude<RefundCheck, { ok: true }>): ApiError {
  if (check.reason === "not_refundable") {
    return conflict("payment_not_refundable", "Only a succeeded payment can be refunded.");
  }
  return badRequest(
    "refund_exceeds_remaining",
    `The refund exceeds what can still be refunded (${check.remaining}).`,
    "amount",
  );
}

async function lockPayment(tx: PaymentsDb, id: Id<"pay">): Promise<PaymentRow> {
  const row = await lockRow(tx, id);
  if (!row) throw paymentNotFound();
  return row;
}

/**
 * Refunds a succeeded payment, partly or fully (payee or admin, not deactivated). Three steps, so that the
 * processor is never called inside a transaction and two racing refunds can never exceed the amount:
 * 1. under a row lock, check what is left and reserve the amount (`amount_refund_pending`);
 * 2. ask the processor;
 * 3. under the lock again, release the reservation and settle: on success add it to `amount_refunded`, move
 *    the payment to `partially_refunded`/`refunded` and emit `refund.succeeded`; else `refund.failed`.
 */
export async function refundPayment(
  core: PaymentsCore,
  deps: RefundDeps,
  actor: Actor,
  paymentId: Id<"pay">,
  input: RefundInput,
  complete: CompleteKey,
): Promise<{ status: number; body: ApiRefund }> {
  await refuseInactiveActor(core, actor);
  const current = await findPayment(core.db, paymentId);
  if (!current || !visibleTo(current, actor)) throw paymentNotFound();
  if (actor.role !== "admin" && current.payeeId !== actor.userId) {
    throw new ApiError(403, "permission", "forbidden", "Only the payee or an admin can refund a payment.");
  }

  const reserved = await inTransaction(core.db, async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    const check = checkRefund(payment, input.amount);
    if (!check.ok) throw refusal(check);
    const now = core.now();
    await setRefundPending(tx, paymentId, payment.amountRefundPending + check.amount, now);
    return insertRefund(tx, {
      id: newId("re"),
      paymentId,
      amount: check.amount,
      currency: payment.currency,
      reason: input.reason ?? null,
      status: "pending",
      requestedBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
  });

  let result: ProcessorResult;
  try {
    result = await withTimeout(deps.processorTimeoutMs, (signal) =>
      deps.processor.refund(
        { refundId: reserved.id, paymentId, amount: reserved.amount, currency: reserved.currency },
        signal,
      ),
    );
  } catch (error) {
    core.logger.warn({ err: error, refund_id: reserved.id }, "refund: processor call failed");
    result = { outcome: "declined", code: "processor_unavailable", message: "The processor did not answer." };
  }

  const { payment, refund } = await inTransaction(core.db, async (tx) => {
    const before = await lockPayment(tx, paymentId);
    const now = core.now();
    const pending = Math.max(0, before.amountRefundPending - reserved.amount);
    let after: PaymentRow | undefined = before;
    if (result.outcome === "succeeded") {
      const refunded = before.amountRefunded + reserved.amount;
      after = await applyTransition(tx, {
        paymentId,
        from: before.status,
        to: statusAfterRefunds(before.amount, refunded),
        actorId: actor.userId,
        reason: `refund ${reserved.id}`,
        fields: { amountRefunded: refunded, amountRefundPending: pending },
        now,
      });
      if (!after) throw new Error("payments: refund settlement lost its row lock");
    } else {
      await setRefundPending(tx, paymentId, pending);
    }
    const failed = result.outcome === "declined" ? result : undefined;
    const settled = await settleRefundRow(tx, reserved.id, {
      status: failed ? "failed" : "succeeded",
      failureCode: failed?.code ?? null,
      failureMessage: failed?.message ?? null,
      updatedAt: now,
    });
    if (!settled) throw new Error("payments: refund row vanished");
    await enqueueEvents(tx, [refundEvent(settled, after)]);
    await complete(tx, { status: 201, body: toApiRefund(settled) });
    return { payment: after, refund: settled };
  });
  core.metrics.refunds.inc({ currency: refund.currency, status: refund.status });
  await afterCommit(core, [payment]);
  return { status: 201, body: toApiRefund(refund) };
}

function refundEvent(refund: RefundRow, payment: PaymentRow) {
  const base = { producer: "payments", subject: payment.id, traceparent: currentTraceparent() };
  const data = refundSnapshot(refund, payment);
  if (refund.status === "succeeded") {
    return createEvent({ ...base, type: "refund.succeeded", data: { ...data, status: "succeeded" } });
  }
  return createEvent({
    ...base,
    type: "refund.failed",
    data: {
      ...data,
      status: "failed",
      failure_code: refund.failureCode ?? "processor_error",
      failure_message: refund.failureMessage ?? "",
    },
  });
}
