import type { Cache } from "@payments/cache";
import type { EventEnvelope } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import type { Logger } from "@payments/service-kit";
import type { AdminDb } from "./db/audit-queries.ts";

/** What the admin routes and the event handler work with; built once by `createApp` from its deps. */
export interface AdminCore {
  db: AdminDb;
  cache: Cache;
  logger: Logger;
  now: () => Date;
  /** Called after a transaction that wrote outbox rows committed (wakes the relay). */
  eventsCommitted: () => void;
  /** Rows per query of the CSV export (each batch is written out before the next is read). */
  csvBatchSize: number;
}

/**
 * Runs `work` in one transaction; events it `emit`s go to the outbox in that same transaction, so a state
 * change and its events commit or roll back together. The relay is woken after the commit.
 */
export async function withEvents<T>(
  core: AdminCore,
  work: (tx: AdminDb, emit: (...events: EventEnvelope[]) => void) => Promise<T>,
): Promise<T> {
  const pending: EventEnvelope[] = [];
  const result = await core.db.transaction(async (tx) => {
    const value = await work(tx, (...events) => pending.push(...events));
    await enqueueEvents(tx, pending);
    return value;
  });
  if (pending.length > 0) core.eventsCommitted();
  return result;
}
