import type { EventEnvelope } from "@payments/contracts";
import type { Database } from "@payments/db";
import { enqueueEvents } from "./outbox.ts";

/** What {@link withEvents} needs of a service: its database and how to wake its outbox relay. */
export interface EventsTarget<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  /** Called after a transaction that wrote outbox rows committed (the relay's `wake`). */
  eventsCommitted: () => void;
}

/** Adds events to the transaction's outbox batch; they are written when the work returns. */
export type Emit = (...events: EventEnvelope[]) => void;

/**
 * Runs `work` in one transaction; events it `emit`s go to the outbox in that same transaction, so a state
 * change and its events commit or roll back together. The relay is woken after the commit (not before: it
 * would find nothing yet) and only when there was something to publish.
 */
export async function withEvents<TSchema extends Record<string, unknown>, T>(
  target: EventsTarget<TSchema>,
  work: (tx: Database<TSchema>, emit: Emit) => Promise<T>,
): Promise<T> {
  const pending: EventEnvelope[] = [];
  const result = await target.db.transaction(async (tx) => {
    const value = await work(tx, (...events) => pending.push(...events));
    await enqueueEvents(tx, pending);
    return value;
  });
  if (pending.length > 0) target.eventsCommitted();
  return result;
}
