import { type EventData, newId } from "@payments/contracts";
import { inSpan } from "@payments/service-kit";
import { afterCommit } from "../actions/cached-views.ts";
import { transitionAttributes, transitionEvent } from "../actions/transition.ts";
import type { PaymentsCore } from "../core.ts";
import { type AttemptRecord, markProcessing, markSettled, type OutboxEvent } from "../db/payment-writes.ts";
import { findPayment } from "../db/queries.ts";
import type { PaymentState } from "../db/schema.ts";
import { claimProcessing, countAttempts, recordAttempt, stuckPayments } from "../db/sweeps.ts";
import {
  type PaymentProcessor,
  type ProcessorResult,
  ProcessorTimeoutError,
  withTimeout,
} from "../processor/processor.ts";

/** How the worker talks to the processor. */
export interface SettleDeps {
  processor: PaymentProcessor;
  /** A call not answered within this is abandoned and retried. */
  processorTimeoutMs: number;
  /** Calls per payment before it fails with `processor_unavailable`. */
  maxAttempts: number;
  /** Wait before retry n: `retryDelayMs * 2^(n-1)`. */
  retryDelayMs: number;
}

type AttemptOutcome = AttemptRecord["outcome"];

/**
 * The payment as its `payment.created` event describes it. A pending payment is never changed except by
 * leaving `pending`, so while the row is pending it is exactly this (and while it is processing, this with
 * the status changed: nothing but settling touches a processing payment's fields).
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

function eventOf(state: PaymentState): OutboxEvent {
  const event = transitionEvent(state);
  if (!event) throw new Error(`payments: no event for status ${state.status}`);
  return { id: event.id, type: event.type, json: JSON.stringify(event) };
}

/** What {@link startProcessing} did: moved the payment now, or found it already at the processor. */
export interface Started {
  payment: PaymentState;
  /** Processor attempts already recorded. */
  attempts: number;
  /** False when another worker (or this one before a crash) had moved it: a resumption. */
  moved: boolean;
}

/**
 * `pending → processing` for `pending` (one statement, not a durable commit: see `START_PROCESSING`).
 * Resolves with the processing payment to charge — also when it was found already processing, left so by a
 * worker that crashed or failed before settling it (charging again is safe: the processor answers a known
 * key with its first outcome) — or undefined when there is nothing to charge (canceled, settled, unknown).
 * `delivery`: the `payment.created` delivery being handled, recorded in the inbox.
 */
export function startProcessing(
  core: PaymentsCore,
  pending: PaymentState,
  delivery?: { consumer: string; eventId: string },
): Promise<Started | undefined> {
  return inSpan(
    "payment.transition",
    { attributes: transitionAttributes(pending.id, "pending", "processing") },
    async (span) => {
      const now = core.now();
      const payment: PaymentState = { ...pending, status: "processing", updatedAt: now };
      const result = await markProcessing(core.db, {
        paymentId: pending.id,
        at: now,
        delivery,
        transitionId: newId("att"),
        event: eventOf(payment),
      });
      span.setAttribute("payment.transition.applied", result.moved);
      if (result.moved) {
        await afterCommit(core, [payment]);
        return { payment, attempts: result.attempts, moved: true };
      }
      if (result.found !== "processing") return undefined;
      return { payment, attempts: result.attempts, moved: false };
    },
  );
}

async function callProcessor(
  deps: SettleDeps,
  payment: PaymentState,
  attempt: number,
): Promise<{ outcome: AttemptOutcome; result?: ProcessorResult; error?: unknown }> {
  try {
    const result = await withTimeout(deps.processorTimeoutMs, (signal) =>
      deps.processor.charge(
        { paymentId: payment.id, amount: payment.amount, currency: payment.currency, attempt },
        signal,
      ),
    );
    return { outcome: result.outcome, result };
  } catch (error) {
    return { outcome: error instanceof ProcessorTimeoutError ? "timeout" : "error", error };
  }
}

/**
 * Settles `processing → succeeded | failed` with the deciding attempt, in one durable commit, then counts
 * it. Undefined when the payment was no longer processing (another worker settled it first).
 */
function finish(
  core: PaymentsCore,
  payment: PaymentState,
  attempt: AttemptRecord,
  failure: { code: string; message: string } | undefined,
): Promise<PaymentState | undefined> {
  const to = failure ? "failed" : "succeeded";
  return inSpan(
    "payment.transition",
    { attributes: transitionAttributes(payment.id, "processing", to) },
    async (span) => {
      const now = core.now();
      const settled: PaymentState = {
        ...payment,
        status: to,
        updatedAt: now,
        failureCode: failure?.code ?? null,
        failureMessage: failure?.message ?? null,
      };
      const moved = await markSettled(core.db, {
        paymentId: payment.id,
        at: now,
        to,
        failure,
        attempt,
        transitionId: newId("att"),
        event: eventOf(settled),
      });
      span.setAttribute("payment.transition.applied", moved);
      if (!moved) return undefined;
      if (failure) core.metrics.failed.inc({ currency: settled.currency, code: failure.code });
      else core.metrics.succeeded.inc({ currency: settled.currency });
      await afterCommit(core, [settled]);
      return settled;
    },
  );
}

/**
 * Charges a payment that is `processing`: calls the processor (idempotent by the payment's id), records
 * every attempt (outcome, latency), retries timeouts and errors with backoff, and settles the payment.
 * Attempt numbers continue from those already recorded (`attemptsDone`, counted here when not given), so a
 * payment resumed after a crash keeps its history.
 */
export function chargePayment(
  core: PaymentsCore,
  deps: SettleDeps,
  payment: PaymentState,
  attemptsDone?: number,
): Promise<PaymentState | undefined> {
  return inSpan("payment.charge", { attributes: { "payment.id": payment.id } }, () =>
    charge(core, deps, payment, attemptsDone),
  );
}

async function charge(
  core: PaymentsCore,
  deps: SettleDeps,
  payment: PaymentState,
  attemptsDone: number | undefined,
): Promise<PaymentState | undefined> {
  const done = attemptsDone ?? (await countAttempts(core.db, payment.id));
  for (let attempt = done + 1; ; attempt++) {
    const started = performance.now();
    const call = await callProcessor(deps, payment, attempt);
    const latencyMs = Math.round(performance.now() - started);
    core.metrics.processorLatency.observe({ outcome: call.outcome }, latencyMs / 1000);
    const declined = call.result?.outcome === "declined" ? call.result : undefined;
    const record: AttemptRecord = {
      id: newId("att"),
      paymentId: payment.id,
      attempt,
      outcome: call.outcome,
      failureCode:
        declined?.code ?? (call.outcome === "succeeded" || call.outcome === "declined" ? null : call.outcome),
      latencyMs,
      createdAt: core.now(),
    };
    if (call.outcome === "succeeded") return finish(core, payment, record, undefined);
    if (declined) return finish(core, payment, record, { code: declined.code, message: declined.message });
    core.logger.warn(
      { payment_id: payment.id, attempt, outcome: call.outcome, err: call.error },
      "processor call failed",
    );
    if (attempt >= deps.maxAttempts) {
      return finish(core, payment, record, {
        code: "processor_unavailable",
        message: "The payment processor did not answer; no money was taken.",
      });
    }
    await recordAttempt(core.db, record);
    await Bun.sleep(deps.retryDelayMs * 2 ** (attempt - 1));
  }
}

/**
 * Picks up payments left behind: `pending` ones whose `payment.created` never reached the worker (dead
 * lettered) and `processing` ones whose worker died mid-charge, untouched for `olderThanMs`. Returns how
 * many it settled.
 */
export async function resumeStuckPayments(
  core: PaymentsCore,
  deps: SettleDeps,
  olderThanMs: number,
): Promise<number> {
  const cutoff = new Date(core.now().getTime() - olderThanMs);
  let settled = 0;
  for (const id of await stuckPayments(core.db, cutoff, 100)) {
    const found = await findPayment(core.db, id);
    let payment: PaymentState | undefined;
    let attempts: number | undefined;
    if (found?.status === "pending") {
      const started = await startProcessing(core, found);
      // Found processing after all: another sweeper or worker has it now.
      if (!started?.moved) continue;
      ({ payment, attempts } = started);
    } else if (found?.status === "processing") {
      // Touch it first, so a second sweeper (another process) leaves it alone while this one charges.
      payment = await claimProcessing(core.db, found, core.now());
    }
    if (payment && (await chargePayment(core, deps, payment, attempts))) settled++;
  }
  return settled;
}
