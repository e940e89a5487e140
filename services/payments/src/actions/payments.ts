import type { Id, Role } from "@payments/contracts";
import { CANCELLATION_REASONS } from "@payments/contracts/http";
import { ApiError, conflict, notFound } from "@payments/service-kit";
import type { PaymentsCore } from "../core.ts";
import { isKnownInactive } from "../db/directory.ts";
import { withNames } from "../db/lists.ts";
import { findPayment } from "../db/queries.ts";
import type { PaymentRow } from "../db/schema.ts";
import { inTransaction } from "../db/transitions.ts";
import { type ApiPayment, toApiPayment } from "../domain/views.ts";
import { afterCommit } from "./cached-views.ts";
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

/** 403 `account_inactive`: the read model knows the acting user as deactivated. */
export const accountInactive = (): ApiError =>
  new ApiError(403, "permission", "account_inactive", "Your account is deactivated.");

/** 403 `email_unverified`: the payer has not confirmed their e-mail address (docs/adr/0017). */
export const emailUnverified = (): ApiError =>
  new ApiError(
    403,
    "permission",
    "email_unverified",
    "Confirm your e-mail address before paying: follow the link in the mail we sent you.",
  );

/**
 * 403 `account_inactive` when the read model knows `actor` as deactivated. Cancel and refund call it first
 * (a create reads the same standing in its statement): an access token outlives a deactivation by up to its
 * lifetime, and its role claim says nothing about it, so the user's standing is read here, not from the
 * token. Checked before the target is looked at, so a deactivated user learns nothing about payments.
 */
export async function refuseInactiveActor(core: PaymentsCore, actor: Actor): Promise<void> {
  // The read model may not know a user who registered a moment ago; only a known deactivation refuses.
  if ((await isKnownInactive(core.db, actor.userId)) === true) throw accountInactive();
}

/** Why a payment was canceled, as the API accepts it. */
export { CANCELLATION_REASONS };

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
  await refuseInactiveActor(core, actor);
  const current = await findPayment(core.db, paymentId);
  if (!current || !visibleTo(current, actor)) throw paymentNotFound();
  if (actor.role !== "admin" && current.payerId !== actor.userId) {
    throw new ApiError(403, "permission", "forbidden", "Only the payer or an admin can cancel a payment.");
  }
  const notCancelable = () =>
    conflict("payment_not_cancelable", "Only a pending payment can be canceled; this one has moved on.");
  if (current.status !== "pending") throw notCancelable();
  const row = await inTransaction(core.db, async (tx) => {
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
    const named = await withNames(tx, updated);
    if (complete) await complete(tx, { status: 200, body: toApiPayment(named) });
    return named;
  });
  core.metrics.canceled.inc({ reason });
  await afterCommit(core, [row]);
  return { status: 200, body: toApiPayment(row) };
}
