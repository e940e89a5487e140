import { createEvent, newId } from "@payments/contracts";
import { currentTraceparent } from "@payments/service-kit";
import { afterCommit, type PaymentsCore } from "../core.ts";
import type { PaymentRow } from "../db/schema.ts";
import { statementRunner } from "../db/statements.ts";
import { paymentSnapshot, toApiPayment } from "../domain/views.ts";
import type { CompletedKey } from "./idempotency.ts";
import type { Actor, CreatePaymentInput } from "./payments.ts";

/**
 * A create as one statement: the payee and payer checks against the read model, the idempotency key
 * (inserted completed, with the response), the payment, its first transition and `payment.created` in the
 * outbox. One statement is one transaction: all of it commits or none, as in {@link createPayment}, in one
 * round trip instead of a dozen. A concurrent request with the same key waits on the key's primary key
 * until this commits, then inserts nothing. Values are sent as text and cast here (see `statements.ts`).
 */
export const CREATE_PAYMENT = `
WITH parties AS (
  SELECT
    EXISTS (SELECT 1 FROM user_directory WHERE id = $2 AND role = 'vendor' AND active) AS payee_ok,
    NOT EXISTS (SELECT 1 FROM user_directory WHERE id = $1 AND NOT active) AS payer_ok
), claimed AS (
  INSERT INTO idempotency_keys (user_id, key, request_hash, state, lock_token, response_status,
    response_body, created_at, locked_at, expires_at)
  SELECT $1, $3, $4, 'completed', $5, 201, $6, $7::text::timestamptz, $7::text::timestamptz,
    $8::text::timestamptz
  FROM parties WHERE payee_ok AND payer_ok
  ON CONFLICT DO NOTHING
  RETURNING 1
), inserted AS (
  INSERT INTO payments (id, payer_id, payee_id, amount, currency, status, description, metadata,
    created_at, updated_at)
  SELECT $9, $1, $2, $10::text::bigint, $11, 'pending', $12, $13::text::jsonb, $7::text::timestamptz,
    $7::text::timestamptz
  FROM claimed
  RETURNING id
), transition AS (
  INSERT INTO payment_transitions (id, payment_id, from_status, to_status, actor_id, reason, created_at)
  SELECT $14, id, NULL, 'pending', $1, 'created', $7::text::timestamptz FROM inserted
), event AS (
  INSERT INTO outbox (event_id, type, envelope) SELECT $15, 'payment.created', $16::text::jsonb FROM inserted
)
SELECT (SELECT count(*) FROM inserted)::int AS created`;

/**
 * Creates a pending payment in one statement, completing `key` with the 201 response in it. Undefined when
 * nothing was written: the key already exists (replay, wait, 422: the caller's slow path decides), or a
 * check refused (the slow path {@link createPayment} runs it again and stores the refusal with the key).
 */
export async function createPaymentAtOnce(
  core: PaymentsCore,
  actor: Actor,
  input: CreatePaymentInput,
  key: CompletedKey,
): Promise<{ status: number; json: string } | undefined> {
  // Refusals decided without the database go the slow path, which answers and stores them.
  if (input.payee_id === actor.userId || core.policy.refusal(input.currency, input.amount)) return undefined;
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
  const json = JSON.stringify(toApiPayment(row));
  const [result] = await statementRunner(core.db)(CREATE_PAYMENT, [
    actor.userId,
    input.payee_id,
    key.key,
    key.requestHash,
    key.lockToken,
    json,
    at.toISOString(),
    key.expiresAt.toISOString(),
    row.id,
    String(row.amount),
    row.currency,
    row.description,
    JSON.stringify(row.metadata),
    newId("att"),
    event.id,
    JSON.stringify(event),
  ]);
  if (result?.created !== 1) return undefined;
  core.metrics.created.inc({ currency: row.currency });
  core.metrics.amount.observe({ currency: row.currency }, row.amount);
  await afterCommit(core, [row], { created: true });
  return { status: 201, json };
}
