import type { EventData } from "@payments/contracts";
import { newId } from "@payments/contracts";
import { transitionEvent } from "../actions/transition.ts";
import type { PaymentsCore } from "../core.ts";
import type { PaymentState } from "../db/schema.ts";
import { statementRunner } from "../db/statements.ts";
import { canTransition } from "../domain/state-machine.ts";

/** One processor call as `payment_attempts` records it. */
export interface AttemptRecord {
  id: string;
  attempt: number;
  outcome: "succeeded" | "declined" | "timeout" | "error";
  failureCode: string | null;
  latencyMs: number;
  createdAt: Date;
}

/**
 * The payment as its `payment.created` event describes it. A pending payment is never changed except by
 * leaving `pending`, so while the row is still pending with that `updated_at` it is exactly this.
 */
export function stateFromCreated(data: EventData<"payment.created">): PaymentState {
  return {
    id: data.id,
    payerId: data.payer_id,
    payeeId: data.payee_id,
    amount: data.amount,
    currency: data.currency,
    status: "pending",
    amountRefunded: data.amount_refunded,
    amountRefundPending: 0,
    failureCode: null,
    failureMessage: null,
    canceledBy: null,
    cancellationReason: null,
    createdAt: new Date(data.created_at),
    updatedAt: new Date(data.updated_at),
  };
}

/*
 * The worker's two transitions as one statement each (inbox, guarded update, history row, outbox row, and
 * for the second the deciding attempt), instead of a transaction of five or six drizzle queries. The update
 * is guarded by the status *and* `updated_at` the worker expects: every write to a payment sets
 * `updated_at`, so when the guard matches the row is exactly the state the event is built from. When it does
 * not (a duplicate delivery, a cancel or a sweeper got there first) the statement writes nothing at all and
 * the caller takes the general path, which reads the row and decides as before.
 */

/** `pending → processing` as one statement; also replayed by bench/payments' database floor. */
export const START_PROCESSING = `
WITH moved AS (
  UPDATE payments SET status = 'processing', updated_at = $3::text::timestamptz
  WHERE id = $1 AND status = 'pending' AND updated_at = $2::text::timestamptz
    AND NOT EXISTS (SELECT 1 FROM inbox WHERE consumer = $4 AND event_id = $5)
  RETURNING id
), inboxed AS (
  INSERT INTO inbox (consumer, event_id, type) SELECT $4, $5, 'payment.created' FROM moved
), transition AS (
  INSERT INTO payment_transitions (id, payment_id, from_status, to_status, actor_id, reason, created_at)
  SELECT $6, id, 'pending', 'processing', NULL, 'handed to processor', $3::text::timestamptz FROM moved
), event AS (
  INSERT INTO outbox (event_id, type, envelope) SELECT $7, 'payment.processing', $8::text::jsonb FROM moved
)
SELECT (SELECT count(*) FROM moved)::int AS moved,
  (SELECT count(*) FROM payment_attempts WHERE payment_id = $1)::int AS attempts`;

/** `processing → succeeded | failed` as one statement; also replayed by bench/payments' database floor. */
export const FINISH = `
WITH moved AS (
  UPDATE payments SET status = $4, updated_at = $3::text::timestamptz, failure_code = $5, failure_message = $6
  WHERE id = $1 AND status = 'processing' AND updated_at = $2::text::timestamptz
  RETURNING id
), attempt AS (
  INSERT INTO payment_attempts (id, payment_id, attempt, outcome, failure_code, latency_ms, created_at)
  SELECT $7, id, $8::text::int, $9, $10, $11::text::int, $12::text::timestamptz FROM moved
), transition AS (
  INSERT INTO payment_transitions (id, payment_id, from_status, to_status, actor_id, reason, created_at)
  SELECT $13, id, 'processing', $4, NULL, $14, $3::text::timestamptz FROM moved
), event AS (
  INSERT INTO outbox (event_id, type, envelope) SELECT $15, $16, $17::text::jsonb FROM moved
)
SELECT count(*)::int AS moved FROM moved`;

function eventOf(state: PaymentState): { id: string; type: string; json: string } {
  const event = transitionEvent(state);
  if (!event) throw new Error(`payments: no event for status ${state.status}`);
  return { id: event.id, type: event.type, json: JSON.stringify(event) };
}

/**
 * `pending → processing` for a `payment.created` delivery of `consumer`. Resolves with the processing state
 * and the attempts already recorded, or undefined when it wrote nothing (the general path decides).
 */
export async function startProcessingAtOnce(
  core: PaymentsCore,
  consumer: string,
  eventId: string,
  pending: PaymentState,
): Promise<{ payment: PaymentState; attempts: number } | undefined> {
  if (pending.status !== "pending" || !canTransition("pending", "processing")) return undefined;
  const now = core.now();
  const payment: PaymentState = { ...pending, status: "processing", updatedAt: now };
  const event = eventOf(payment);
  const [row] = await statementRunner(core.db)(START_PROCESSING, [
    pending.id,
    pending.updatedAt.toISOString(),
    now.toISOString(),
    consumer,
    eventId,
    newId("att"),
    event.id,
    event.json,
  ]);
  if (row?.moved !== 1) return undefined;
  return { payment, attempts: typeof row.attempts === "number" ? row.attempts : 0 };
}

/**
 * `processing → succeeded | failed` with the attempt that decided it. Resolves with the settled state, or
 * undefined when it wrote nothing (the general path records the attempt and decides).
 */
export async function finishAtOnce(
  core: PaymentsCore,
  processing: PaymentState,
  attempt: AttemptRecord,
  failure: { code: string; message: string } | undefined,
): Promise<PaymentState | undefined> {
  const to = failure ? "failed" : "succeeded";
  if (processing.status !== "processing" || !canTransition("processing", to)) return undefined;
  const now = core.now();
  const settled: PaymentState = {
    ...processing,
    status: to,
    updatedAt: now,
    failureCode: failure?.code ?? null,
    failureMessage: failure?.message ?? null,
  };
  const event = eventOf(settled);
  const [row] = await statementRunner(core.db)(FINISH, [
    processing.id,
    processing.updatedAt.toISOString(),
    now.toISOString(),
    to,
    settled.failureCode,
    settled.failureMessage,
    attempt.id,
    String(attempt.attempt),
    attempt.outcome,
    attempt.failureCode,
    String(attempt.latencyMs),
    attempt.createdAt.toISOString(),
    newId("att"),
    failure ? failure.code : "processor confirmed",
    event.id,
    event.type,
    event.json,
  ]);
  return row?.moved === 1 ? settled : undefined;
}
