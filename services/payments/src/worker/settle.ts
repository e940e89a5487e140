import { type Id, newId } from "@payments/contracts";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { applyTransition } from "../actions/transition.ts";
import { afterCommit, type PaymentsCore, type PaymentsDb } from "../core.ts";
import { findPayment } from "../db/queries.ts";
import { type PaymentRow, type PaymentState, paymentAttempts, payments } from "../db/schema.ts";
import {
  type PaymentProcessor,
  type ProcessorResult,
  ProcessorTimeoutError,
  withTimeout,
} from "../processor/processor.ts";
import { type AttemptRecord, finishAtOnce } from "./settle-at-once.ts";

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

type AttemptOutcome = "succeeded" | "declined" | "timeout" | "error";

/** `pending → processing` inside `tx` (the inbox transaction of `payment.created`); undefined if it lost. */
export function startProcessing(
  core: PaymentsCore,
  tx: PaymentsDb,
  paymentId: Id<"pay">,
): Promise<PaymentRow | undefined> {
  return applyTransition(tx, {
    paymentId,
    from: "pending",
    to: "processing",
    actorId: null,
    reason: "handed to processor",
    now: core.now(),
  });
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

/** One processor call as recorded in `payment_attempts`. */
type AttemptRow = typeof paymentAttempts.$inferInsert;

/**
 * Settles `processing → succeeded | failed` and records the deciding attempt in the same transaction (one
 * commit instead of two), then counts it. One statement when the row is as the worker left it; otherwise
 * (another process touched it) the general path, guarded by the status alone as before.
 */
async function finish(
  core: PaymentsCore,
  payment: PaymentState,
  attempt: AttemptRow & AttemptRecord,
  failure: { code: string; message: string } | undefined,
): Promise<PaymentState | undefined> {
  const row =
    (await finishAtOnce(core, payment, attempt, failure)) ??
    (await core.db.transaction(async (tx) => {
      await tx.insert(paymentAttempts).values(attempt);
      return applyTransition(tx, {
        paymentId: payment.id,
        from: "processing",
        to: failure ? "failed" : "succeeded",
        actorId: null,
        reason: failure ? failure.code : "processor confirmed",
        fields: failure ? { failureCode: failure.code, failureMessage: failure.message } : {},
        now: core.now(),
      });
    }));
  if (!row) return undefined;
  if (failure) core.metrics.failed.inc({ currency: row.currency, code: failure.code });
  else core.metrics.succeeded.inc({ currency: row.currency });
  await afterCommit(core, [row]);
  return row;
}

/**
 * Charges a payment that is `processing`: calls the processor, records every attempt (outcome, latency),
 * retries timeouts and errors with backoff, and settles the payment. Attempt numbers continue from those
 * already recorded (`attemptsDone`, counted here when not given), so a payment resumed after a crash keeps
 * its history.
 */
export async function chargePayment(
  core: PaymentsCore,
  deps: SettleDeps,
  payment: PaymentState,
  attemptsDone?: number,
): Promise<PaymentState | undefined> {
  const done =
    attemptsDone ??
    (
      await core.db
        .select({ n: sql<number>`count(*)::int` })
        .from(paymentAttempts)
        .where(eq(paymentAttempts.paymentId, payment.id))
    )[0]?.n ??
    0;
  for (let attempt = done + 1; ; attempt++) {
    const started = performance.now();
    const call = await callProcessor(deps, payment, attempt);
    const latencyMs = Math.round(performance.now() - started);
    core.metrics.processorLatency.observe({ outcome: call.outcome }, latencyMs / 1000);
    const declined = call.result?.outcome === "declined" ? call.result : undefined;
    const record: AttemptRow & AttemptRecord = {
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
    await core.db.insert(paymentAttempts).values(record);
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
  const stuck = await core.db
    .select({ id: payments.id })
    .from(payments)
    .where(and(inArray(payments.status, ["pending", "processing"]), lte(payments.updatedAt, cutoff)))
    .limit(100);
  let settled = 0;
  for (const { id } of stuck) {
    let payment = await findPayment(core.db, id);
    if (payment?.status === "pending") {
      payment = await core.db.transaction((tx) => startProcessing(core, tx, id));
      if (payment) await afterCommit(core, [payment]);
    }
    // Touch it first, so a second sweeper (another process) leaves it alone while this one charges.
    if (payment?.status !== "processing") continue;
    const [claimed] = await core.db
      .update(payments)
      .set({ updatedAt: core.now() })
      .where(
        and(
          eq(payments.id, id),
          eq(payments.status, "processing"),
          eq(payments.updatedAt, payment.updatedAt),
        ),
      )
      .returning();
    if (claimed && (await chargePayment(core, deps, claimed))) settled++;
  }
  return settled;
}
