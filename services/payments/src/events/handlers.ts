import type { Tracer } from "@opentelemetry/api";
import type { EventEnvelope, Id } from "@payments/contracts";
import {
  applyOnce,
  type EventBus,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
} from "@payments/events";
import { afterCommit } from "../actions/cached-views.ts";
import { applyTransition } from "../actions/transition.ts";
import type { PaymentsCore, PaymentsDb } from "../core.ts";
import { pendingPaymentsOf, upsertUser } from "../db/directory.ts";
import type { PaymentRow } from "../db/schema.ts";
import type { PolicyHolder } from "../policy.ts";
import { chargePayment, type SettleDeps, startProcessing, stateFromCreated } from "../worker/settle.ts";

/** Inbox consumer name and queue of the payments service. */
export const CONSUMER = "payments";

/** What the payments queue is bound to (as in the platform topology of `@payments/events`). */
export const SUBSCRIBED_EVENTS = ["payment.created", "user.*"] as const;

/** Cancels every pending payment the user pays or receives, in the inbox transaction of the deactivation. */
async function cancelPendingOf(core: PaymentsCore, tx: PaymentsDb, userId: Id<"usr">): Promise<PaymentRow[]> {
  const canceled: PaymentRow[] = [];
  for (const id of await pendingPaymentsOf(tx, userId)) {
    // Guarded like any transition: one the worker already took to processing is left to finish.
    const row = await applyTransition(tx, {
      paymentId: id,
      from: "pending",
      to: "canceled",
      actorId: null,
      reason: "user_deactivated",
      fields: { canceledBy: null, cancellationReason: "user_deactivated" },
      now: core.now(),
    });
    if (row) canceled.push(row);
  }
  return canceled;
}

/** Dispatches the events the payments queue receives; every effect goes through the inbox. */
export function createEventHandler(core: PaymentsCore, settle: SettleDeps): EventHandler {
  return async (event: EventEnvelope) => {
    switch (event.type) {
      case "payment.created": {
        // One statement: processing now, or already (a redelivery after a crash or a failed settlement:
        // charged again under the same key, the processor answers with its first outcome). Canceled or
        // settled first: nothing to charge.
        const started = await startProcessing(core, stateFromCreated(event.data), {
          consumer: CONSUMER,
          eventId: event.id,
        });
        if (started) await chargePayment(core, settle, started.payment, started.attempts);
        return;
      }
      case "user.registered":
      case "user.updated":
      case "user.role_changed":
        await applyOnce(core.db, CONSUMER, event, (tx) => upsertUser(tx, event.data, event.occurred_at));
        return;
      case "user.deactivated": {
        let canceled: PaymentRow[] = [];
        await applyOnce(core.db, CONSUMER, event, async (tx) => {
          await upsertUser(tx, event.data, event.occurred_at);
          canceled = await cancelPendingOf(core, tx, event.data.id);
        });
        if (canceled.length > 0) {
          core.metrics.canceled.inc({ reason: "user_deactivated" }, canceled.length);
          core.logger.info(
            { user_id: event.data.id, canceled: canceled.length },
            "canceled pending payments",
          );
          await afterCommit(core, canceled);
        }
        return;
      }
      default:
        // `user.*` may deliver user events this service has no use for (session.revoked is not bound).
        core.logger.debug({ type: event.type }, "ignoring event");
    }
  };
}

/** Deliveries the worker handles at once. */
export const WORKER_PREFETCH = 16;

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  core: PaymentsCore;
  bus: EventBus;
  settle: SettleDeps;
  /** Queue name; default "payments" (tests on a shared broker pass their own). */
  queue?: string;
  /** Binding patterns; default {@link SUBSCRIBED_EVENTS} (tests without a processor bind `user.*` only). */
  patterns?: string[];
  subscribe?: SubscribeOptions;
  /** The service's tracer: deliveries are its `process <type>` spans, with the handler's spans under them. */
  tracer?: Tracer;
}

/** Subscribes the payments queue: the processor worker and the read-model consumer. */
export function startWorker(opts: WorkerOptions): Promise<Subscription> {
  return opts.bus.subscribe(
    opts.queue ?? CONSUMER,
    opts.patterns ?? [...SUBSCRIBED_EVENTS],
    createEventHandler(opts.core, opts.settle),
    // The bus's retry delays (the platform's declared topology is built from them), and a prefetch that keeps
    // the worker from taking every database connection from the API under a burst of payments.
    { ...(opts.subscribe ?? { prefetch: WORKER_PREFETCH }), tracer: opts.tracer },
  );
}

/**
 * Follows `config.updated` on a queue of this instance's own. The shared `payments` queue gives each event to
 * one replica only, and every replica holds the policy in memory: each must hear of every change. The fetch
 * runs in the background (admin may be briefly unreachable; the holder retries, and fetches nothing for a
 * version it already has), so the delivery is acked at once.
 */
export function followConfigUpdates(opts: {
  bus: EventBus;
  policy: PolicyHolder;
  /** This process's id: the queue is `payments.policy.<instance>`. */
  instance: string;
  tracer?: Tracer;
}): Promise<Subscription> {
  return opts.bus.subscribe(
    `payments.policy.${opts.instance}`,
    ["config.updated"],
    async (event) => {
      if (event.type === "config.updated") opts.policy.refresh(event.data.version);
    },
    { exclusive: true, tracer: opts.tracer },
  );
}
