import { createEvent, newId } from "@payments/contracts";
import { type ApiError, badRequest, currentTraceparent } from "@payments/service-kit";
import type { PaymentsCore } from "../core.ts";
import { type CreateOutcome, insertPayment } from "../db/payment-writes.ts";
import type { PaymentRow } from "../db/schema.ts";
import { paymentSnapshot, toApiPayment } from "../domain/views.ts";
import { afterCommit } from "./cached-views.ts";
import type { StatementKey } from "./idempotency.ts";
import { type Actor, accountInactive, type CreatePaymentInput, emailUnverified } from "./payments.ts";

/**
 * Why a create is refused, in the order a person should hear it: their own standing first (a deactivated
 * or unverified payer learns nothing about the payee), then what they asked for. `checked` is the refusal
 * decided without the database (paying oneself, the currency policy); the rest are the facts the create
 * statement read from the user directory, where the rules themselves are written.
 */
export function createRefusal(outcome: CreateOutcome, checked: ApiError | undefined): ApiError | undefined {
  if (outcome.payer === "inactive") return accountInactive();
  // A payer the directory has not heard of registered a moment ago, and a new account starts unverified.
  if (outcome.payer !== "ok") return emailUnverified();
  if (checked) return checked;
  // One answer for unknown, non-vendor, inactive and unverified: no one learns which user ids exist.
  if (!outcome.payeeOk) return badRequest("invalid_payee", "The payee is not an active vendor.", "payee_id");
  return undefined;
}

/** A refusal found before the database is asked: paying oneself, or a currency or amount the policy refuses. */
function checkedRefusal(core: PaymentsCore, actor: Actor, input: CreatePaymentInput): ApiError | undefined {
  if (input.payee_id === actor.userId) {
    return badRequest("payee_is_payer", "You cannot pay yourself.", "payee_id");
  }
  // The policy of this moment: a `config.updated` applies to the next request, no restart.
  return core.policy.refusal(input.currency, input.amount);
}

/**
 * Creates a pending payment — the only way one is created (API, seed) — in one statement that also
 * completes `key` with the 201 response (docs/adr/0027). Resolves with that response; undefined when the key
 * is held by another request (the caller's idempotency decides: replay, wait, 422). Throws the refusal when
 * a rule refuses, having written nothing (the caller stores it with the key).
 */
export async function createPayment(
  core: PaymentsCore,
  actor: Actor,
  input: CreatePaymentInput,
  key: StatementKey,
): Promise<{ status: number; json: string } | undefined> {
  const checked = checkedRefusal(core, actor, input);
  const at = key.createdAt;
  // Exactly the row the statement inserts (the rest are column defaults), so the response needs no RETURNING.
  const row: PaymentRow = {
    id: newId("pay"),
    payerId: actor.userId,
    payeeId: input.payee_id,
    amount: input.amount,
    currency: input.currency,
    status: "pending",
    amountRefunded: 0,
    amountRefundPending: 0,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    failureCode: null,
    failureMessage: null,
    canceledBy: null,
    cancellationReason: null,
    createdAt: at,
    updatedAt: at,
  };
  const event = createEvent({
    type: "payment.created",
    producer: "payments",
    subject: row.id,
    traceparent: currentTraceparent(),
    data: { ...paymentSnapshot(row), status: "pending" },
  });
  const outcome = await insertPayment(
    core.db,
    {
      ...row,
      description: row.description,
      at,
      transitionId: newId("att"),
      event: { id: event.id, type: event.type, json: JSON.stringify(event) },
      response: JSON.stringify(toApiPayment({ ...row, payerName: null, payeeName: null })),
      acceptable: checked === undefined,
    },
    key,
  );
  if (!outcome.created) {
    const refused = createRefusal(outcome, checked);
    if (refused) throw refused;
    return undefined;
  }
  core.metrics.created.inc({ currency: row.currency });
  core.metrics.amount.observe({ currency: row.currency }, row.amount);
  await afterCommit(core, [row], { created: true });
  return { status: 201, json: outcome.body };
}
