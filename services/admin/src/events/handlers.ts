import type { EventEnvelope } from "@payments/contracts";
import {
  applyOnce,
  type EventBus,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
} from "@payments/events";
import type { Logger } from "@payments/service-kit";
import { type AdminDb, insertAuditRow } from "../db/audit-queries.ts";
import { applyToDashboard } from "../db/dashboard-queries.ts";
import { auditFactsOf } from "../domain/audit.ts";

/** Inbox consumer name and queue of the admin service. */
export const CONSUMER = "admin";

/** What the admin queue is bound to: every event of the platform. */
export const SUBSCRIBED_EVENTS = ["#"] as const;

/** What the handler needs. */
export interface AuditHandlerDeps {
  db: AdminDb;
  logger: Pick<Logger, "debug" | "warn">;
  /** Called after an event was applied (committed), e.g. to refresh cached figures. */
  onApplied?: (event: EventEnvelope) => void;
}

/**
 * Writes the audit row and the dashboard aggregates of an event in one transaction, at most once per event:
 * the inbox claims the event id first, and the audit log's unique event id guards again after old inbox
 * rows were pruned, so a redelivery never counts twice.
 */
export function createAuditHandler(deps: AuditHandlerDeps): EventHandler {
  return async (event) => {
    const facts = auditFactsOf(event);
    const outcome = await applyOnce(deps.db, CONSUMER, event, async (tx) => {
      const inserted = await insertAuditRow(tx, {
        id: facts.id,
        eventId: event.id,
        type: event.type,
        version: event.version,
        producer: event.producer,
        subject: event.subject,
        actorId: facts.actorId,
        traceId: facts.traceId,
        occurredAt: new Date(event.occurred_at),
        envelope: event,
      });
      if (inserted) await applyToDashboard(tx, event);
    });
    if (outcome === "duplicate") {
      deps.logger.debug({ event_id: event.id, type: event.type }, "admin: duplicate event ignored");
      return;
    }
    deps.onApplied?.(event);
  };
}

/** Options of {@link startAuditConsumer}. */
export interface AuditConsumerOptions extends AuditHandlerDeps {
  bus: EventBus;
  /** Queue name; default "admin" (tests on a shared broker pass their own). */
  queue?: string;
  subscribe?: SubscribeOptions;
  /** The service's tracer: deliveries are its `process <type>` spans, with the handler's spans under them. */
  tracer?: SubscribeOptions["tracer"];
  /** Events handled at once (default: the bus's). */
  prefetch?: number;
}

/** Subscribes the admin queue to every event. */
export function startAuditConsumer(opts: AuditConsumerOptions): Promise<Subscription> {
  return opts.bus.subscribe(opts.queue ?? CONSUMER, [...SUBSCRIBED_EVENTS], createAuditHandler(opts), {
    ...(opts.subscribe ?? { retryDelaysMs: [1_000, 10_000, 60_000], maxAttempts: 4 }),
    ...(opts.prefetch ? { prefetch: opts.prefetch } : {}),
    tracer: opts.tracer,
  });
}
