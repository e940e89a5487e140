import { createEvent, type Id, newId, type Role } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import { ApiError, badRequest, conflict, currentTraceparent, notFound } from "@payments/service-kit";
import { inArray } from "drizzle-orm";
import { afterCommit, type PaymentsCore } from "../core.ts";
import { findPayment } from "../db/queries.ts";
import { type PaymentRow, payments, paymentTransitions, userDirectory } from "../db/schema.ts";
import { type ApiPayment, paymentSnapshot, toApiPayment } from "../domain/views.ts";
import type { CompleteKey } from "./idempotency.ts";
import { applyTransition } from "./transition.ts";

/** Who is acting: the verified token's user and role. */
export interface Actor {
  userId: Id<"usr">;
  role: Role;
}

/** The validated body of `POST /`. */
export interface CreatePaymentInput {
  payee_id: Id<"usr">;
  amount: number;
  currency: string;
  description?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/** The payment if `actor` may see it (payer, payee or admin); otherwise 404, never 403 (no existence leak). */
export function visibleTo(payment: PaymentRow | ApiPayment | undefined, actor: Actor): boolean {
  if (!payment) return false;
  if (actor.role === "admin") return true;
  const payer = "payerId" in payment ? payment.payerId : payment.payer_id;
  const payee = "payeeId" in payment ? payment.payeeId : payment.payee_id;
  return payer === actor.userId || payee === actor.userId;
}

/** 404 for a payment that does not exist or that the actor may not see. */
export const paymentNotFound = (): ApiError => notFound("No such payment.", "payment_not_found");

/**
 * Creates a pending payment: checks the payee against the local read model (an active vendor other than the
 * payer), then inserts the payment, its first transition row and `payment.created` in one transaction,
 * which also completes the idempotency key.
 */
export async function createPayment(
  core: PaymentsCore,
  actor: Actor,
  input: CreatePaymentInput,
  complete: CompleteKey,
): Promise<{ status: number; body: ApiPayment }> {
  if (input.payee_id === actor.userId) {
    throw badRequest("payee_is_payer", "You cannot pay yourself.", "payee_id");
  }
  // The policy of this moment: a `config.updated` applies to the next request, no restart.
  const refused = core.policy.refusal(input.currency, input.amount);
  if (refused) throw refused;
  const parties = await core.db
    .select({ id: userDirectory.id, role: userDirectory.role, active: userDirectory.active })
    .from(userDirectory)
    .where(inArray(userDirectory.id, [input.payee_id, actor.userId]));
  const payee = parties.find((u) => u.id === input.payee_id);
  const payer = parties.find((u) => u.id === actor.userId);
  if (payee?.role !== "vendor" || !payee.active) {
    // One answer for unknown, non-vendor and inactive: no one learns which user ids exist.
    throw badRequest("invalid_payee", "The payee is not an active vendor.", "payee_id");
  }
  // The read model may not know a user who registered a moment ago; only a known deactivation refuses.
  if (payer && !payer.active) {
    throw new ApiError(403, "permission", "account_inactive", "Your account is deactivated.");
  }

  const now = core.now();
  const id = newId("pay");
  const row = await core.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(payments)
      .values({
        id,
        payerId: actor.userId,
        payeeId: input.payee_id,
        amount: input.amount,
        currency: input.currency,
        status: "pending",
        description: input.description ?? null,
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!inserted) throw new Error("payments: insert returned no row");
    await tx.insert(paymentTransitions).values({
      id: newId("att"),
      paymentId: id,
      fromStatus: null,
      toStatus: "pending",
      actorId: actor.userId,
      reason: "created",
      createdAt: now,
    });
    await enqueueEvents(tx, [
      createEvent({
        type: "payment.created",
        producer: "payments",
        subject: id,
        traceparent: currentTraceparent(),
        data: { ...paymentSnapshot(inserted), status: "pending" },
      }),
    ]);
    await complete(tx, { status: 201, body: toApiPayment(inserted) });
    return inserted;
  });
  core.metrics.created.inc({ currency: row.currency });
  core.metrics.amount.observe({ currency: row.currency }, row.amount);
  await afterCommit(core, [row], { created: true });
  return { status: 201, body: toApiPayment(row) };
}

/** Why a payment was canceled, as the API accepts it. */
export const CANCELLATION_REASONS = [
  "requested_by_customer",
  "duplicate",
  "fraudulent",
  "abandoned",
] as const;

/**
 * Cancels a pending payment (payer or admin). The guarded update makes a cancel that races the worker's
 * `pending → processing` lose cleanly: exactly one of them changes the row, the other gets 409 / nothing.
 */
export async function cancelPayment(
  core: PaymentsCore,
  actor: Actor,
  paymentId: Id<"pay">,
  reason: (typeof CANCELLATION_REASONS)[number],
  complete?: CompleteKey,
): Promise<{ status: number; body: ApiPayment }> {
  const current = await findPayment(core.db, paymentId);
  if (!current || !visibleTo(current, actor)) throw paymentNotFound();
  if (actor.role !== "admin" && current.payerId !== actor.userId) {
    throw new ApiError(403, "permission", "forbidden", "Only the payer or an admin can cancel a payment.");
  }
  const notCancelable = () =>
    conflict("payment_not_cancelable", "Only a pending payment can be canceled; this one has moved on.");
  if (current.status !== "pending") throw notCancelable();
  const row = await core.db.transaction(async (tx) => {
    const updated = await applyTransition(tx, {
      paymentId,
      from: "pending",
      to: "canceled",
      actorId: actor.userId,
      reason,
      fields: { canceledBy: actor.userId, cancellationReason: reason },
      now: core.now(),
    });
    if (!updated) throw notCancelable();
    if (complete) await complete(tx, { status: 200, body: toApiPayment(updated) });
    return updated;
  });
  core.metrics.canceled.inc({ reason });
  await afterCommit(core, [row]);
  return { status: 200, body: toApiPayment(row) };
}
