/**
 * The write path of a payment's life, create → processing → succeeded | failed: one SQL statement each, and
 * the only code that writes these changes (docs/adr/0027). Each statement is one implicit transaction that
 * writes the state change, its history row and its outbox row together (ARCHITECTURE §4/§5), guarded by the
 * status it leaves, so a lost race writes nothing. The texts are exported because bench/payments' database
 * floor replays exactly them through pgbench: a colon is never followed by a name in them (pgbench would
 * read colon-name as one of its variables).
 */

import type { PaymentStatus } from "@payments/contracts";
import type { PaymentsDb } from "../core.ts";
import { statementRunner } from "./statements.ts";

/**
 * A create: the payer's and payee's standing read from the user directory (the only place these rules are
 * written), the idempotency key completed with the response, the payment, its first transition and
 * `payment.created`. It writes only when the payer is active and verified, the payee an active verified
 * vendor and `$17` (what the caller decided without the database: not paying oneself, the currency policy)
 * is true; it always answers the facts, so the caller can say which rule refused. The key is inserted, or,
 * when this request already holds it in flight (`$5` its lock token), completed; a key held by anyone else
 * makes it write nothing. The response (`$6`) has both names null; the statement fills them in from the
 * directory it reads anyway (inside a JSON string every `"` is escaped, and metadata values are strings,
 * never `null`, so only those two fields can match).
 */
export const CREATE_PAYMENT = `/* payments_create */
WITH payer AS (
  SELECT name, active, email_verified FROM user_directory WHERE id = $1
), payee AS (
  SELECT name, role = 'vendor' AND active AND email_verified AS ok FROM user_directory WHERE id = $2
), parties AS (
  SELECT
    (SELECT CASE WHEN NOT active THEN 'inactive' WHEN email_verified THEN 'ok' ELSE 'unverified' END
      FROM payer) AS payer_state,
    coalesce((SELECT ok FROM payee), false) AS payee_ok,
    -- The JSON null is split from its key: no colon is followed by a name anywhere in this text.
    replace(replace($6, '"payer_name":' || 'null', '"payer_name":' ||
        coalesce((SELECT to_json(name)::text FROM payer), 'null')),
      '"payee_name":' || 'null', '"payee_name":' ||
        coalesce((SELECT to_json(name)::text FROM payee), 'null')) AS body
), claimed AS (
  INSERT INTO idempotency_keys (user_id, key, request_hash, state, lock_token, response_status,
    response_body, created_at, locked_at, expires_at)
  SELECT $1, $3, $4, 'completed', $5, 201, body, $7::text::timestamptz, $7::text::timestamptz,
    $8::text::timestamptz
  FROM parties WHERE payer_state = 'ok' AND payee_ok AND $17::text::boolean
  ON CONFLICT (user_id, key) DO UPDATE
    SET state = 'completed', response_status = 201, response_body = excluded.response_body
    WHERE idempotency_keys.state = 'in_flight' AND idempotency_keys.lock_token = excluded.lock_token
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
SELECT (SELECT count(*) FROM inserted)::int AS created, body, payer_state, payee_ok FROM parties`;

/**
 * `pending → processing`: the worker's claim on a payment before it calls the processor. Committed without
 * waiting for the WAL flush (`synchronous_commit` off for this transaction only): it is visible at once —
 * a cancel racing the worker loses to it — but it is not a durable commit. A database crash may forget it
 * (with its history and outbox rows: all or nothing); the payment is then `pending` again and is charged
 * again under the same idempotency key, for which the processor returns its first outcome. The payment's
 * two durable commits are its creation and its settlement. With `$4` (the `payment.created` event) the
 * inbox records the delivery. Answers whether it moved the row, the status it found, and the attempts
 * already recorded (a resumed payment continues their numbering).
 */
export const START_PROCESSING = `/* payments_start_processing */
WITH moved AS (
  UPDATE payments SET status = 'processing', updated_at = $2::text::timestamptz
  WHERE id = $1 AND status = 'pending'
  RETURNING id
), inboxed AS (
  INSERT INTO inbox (consumer, event_id, type) SELECT $3, $4, 'payment.created' FROM moved
  WHERE $4::text IS NOT NULL
  ON CONFLICT DO NOTHING
), transition AS (
  INSERT INTO payment_transitions (id, payment_id, from_status, to_status, actor_id, reason, created_at)
  SELECT $5, id, 'pending', 'processing', NULL, 'handed to processor', $2::text::timestamptz FROM moved
), event AS (
  INSERT INTO outbox (event_id, type, envelope) SELECT $6, 'payment.processing', $7::text::jsonb FROM moved
)
SELECT (SELECT count(*) FROM moved)::int AS moved,
  (SELECT status FROM payments WHERE id = $1) AS found,
  (SELECT count(*) FROM payment_attempts WHERE payment_id = $1)::int AS attempts,
  set_config('synchronous_commit', 'off', true) AS commit_mode`;

/**
 * `processing → succeeded | failed` with the processor attempt that decided it, durably. Guarded by the
 * status alone: nothing but this statement changes a processing payment's fields (a sweeper's claim only
 * moves `updated_at`, which this sets anew), so the event built before it describes the row it leaves.
 */
export const FINISH = `/* payments_finish */
WITH moved AS (
  UPDATE payments SET status = $3, updated_at = $2::text::timestamptz, failure_code = $4, failure_message = $5
  WHERE id = $1 AND status = 'processing'
  RETURNING id
), attempt AS (
  INSERT INTO payment_attempts (id, payment_id, attempt, outcome, failure_code, latency_ms, created_at)
  SELECT $6, id, $7::text::int, $8, $9, $10::text::int, $11::text::timestamptz FROM moved
  ON CONFLICT DO NOTHING
), transition AS (
  INSERT INTO payment_transitions (id, payment_id, from_status, to_status, actor_id, reason, created_at)
  SELECT $12, id, 'processing', $3, NULL, $13, $2::text::timestamptz FROM moved
), event AS (
  INSERT INTO outbox (event_id, type, envelope) SELECT $14, $15, $16::text::jsonb FROM moved
)
SELECT count(*)::int AS moved FROM moved`;

/** An event as the outbox stores it: id, type and the envelope as JSON text. */
export interface OutboxEvent {
  id: string;
  type: string;
  json: string;
}

/** What {@link insertPayment} writes. */
export interface NewPaymentRow {
  id: string;
  payerId: string;
  payeeId: string;
  amount: number;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  at: Date;
  transitionId: string;
  event: OutboxEvent;
  /** The 201 body as JSON, both names null (filled in by the statement). */
  response: string;
  /** The caller's own checks passed (not paying oneself, the currency policy). */
  acceptable: boolean;
}

/** The idempotency key a create completes. */
export interface KeyToComplete {
  key: string;
  requestHash: string;
  lockToken: string;
  expiresAt: Date;
}

/** The payer as the directory knows them: unknown (undefined), deactivated, unverified, or able to pay. */
export type PayerStanding = "ok" | "inactive" | "unverified" | undefined;

/** What a create statement found and did. */
export interface CreateOutcome {
  created: boolean;
  /** The 201 body with names, as stored with the key. */
  body: string;
  payer: PayerStanding;
  payeeOk: boolean;
}

const standing = (value: unknown): PayerStanding =>
  value === "ok" || value === "inactive" || value === "unverified" ? value : undefined;

/** Runs {@link CREATE_PAYMENT}. */
export async function insertPayment(
  db: PaymentsDb,
  row: NewPaymentRow,
  key: KeyToComplete,
): Promise<CreateOutcome> {
  const [result] = await statementRunner(db)(CREATE_PAYMENT, [
    row.payerId,
    row.payeeId,
    key.key,
    key.requestHash,
    key.lockToken,
    row.response,
    row.at.toISOString(),
    key.expiresAt.toISOString(),
    row.id,
    String(row.amount),
    row.currency,
    row.description,
    JSON.stringify(row.metadata),
    row.transitionId,
    row.event.id,
    row.event.json,
    String(row.acceptable),
  ]);
  return {
    created: result?.created === 1,
    body: typeof result?.body === "string" ? result.body : "",
    payer: standing(result?.payer_state),
    payeeOk: result?.payee_ok === true,
  };
}

/** What {@link markProcessing} found and did. */
export interface StartOutcome {
  moved: boolean;
  /** The status the row had before (undefined: no such payment). */
  found: PaymentStatus | undefined;
  /** Processor attempts already recorded for the payment. */
  attempts: number;
}

/** Runs {@link START_PROCESSING}. `delivery`: the `payment.created` delivery this handles, if any. */
export async function markProcessing(
  db: PaymentsDb,
  input: {
    paymentId: string;
    at: Date;
    delivery: { consumer: string; eventId: string } | undefined;
    transitionId: string;
    event: OutboxEvent;
  },
): Promise<StartOutcome> {
  const [row] = await statementRunner(db)(START_PROCESSING, [
    input.paymentId,
    input.at.toISOString(),
    input.delivery?.consumer ?? null,
    input.delivery?.eventId ?? null,
    input.transitionId,
    input.event.id,
    input.event.json,
  ]);
  return {
    moved: row?.moved === 1,
    found: typeof row?.found === "string" ? (row.found as PaymentStatus) : undefined,
    attempts: typeof row?.attempts === "number" ? row.attempts : 0,
  };
}

/** One processor call as `payment_attempts` records it. */
export interface AttemptRecord {
  id: string;
  paymentId: string;
  attempt: number;
  outcome: "succeeded" | "declined" | "timeout" | "error";
  failureCode: string | null;
  latencyMs: number;
  createdAt: Date;
}

/** Runs {@link FINISH}; true when it settled the payment (false: it was not processing any more). */
export async function markSettled(
  db: PaymentsDb,
  input: {
    paymentId: string;
    at: Date;
    to: "succeeded" | "failed";
    failure: { code: string; message: string } | undefined;
    attempt: AttemptRecord;
    transitionId: string;
    event: OutboxEvent;
  },
): Promise<boolean> {
  const { attempt } = input;
  const [row] = await statementRunner(db)(FINISH, [
    input.paymentId,
    input.at.toISOString(),
    input.to,
    input.failure?.code ?? null,
    input.failure?.message ?? null,
    attempt.id,
    String(attempt.attempt),
    attempt.outcome,
    attempt.failureCode,
    String(attempt.latencyMs),
    attempt.createdAt.toISOString(),
    input.transitionId,
    input.failure ? input.failure.code : "processor confirmed",
    input.event.id,
    input.event.type,
    input.event.json,
  ]);
  return row?.moved === 1;
}
