import { trace } from "@opentelemetry/api";
import type { EventEnvelope } from "@payments/contracts";
import type { Database } from "@payments/db";
import { lte } from "drizzle-orm";
import { inbox } from "../outbox/tables.ts";

/** What {@link applyOnce} did with an event. */
export type InboxOutcome = "applied" | "duplicate";

/**
 * Runs `apply` for an event at most once per consumer. The inbox row and the handler's writes commit in one
 * transaction: a redelivery after a crash (committed but not acked) finds the row and does nothing, and two
 * concurrent deliveries of the same event serialise on the primary key, so only one applies. If `apply`
 * throws, nothing is recorded and the bus retries.
 */
export async function applyOnce<TSchema extends Record<string, unknown>>(
  db: Database<TSchema>,
  consumer: string,
  event: Pick<EventEnvelope, "id" | "type">,
  apply: (tx: Database<TSchema>) => Promise<void>,
): Promise<InboxOutcome> {
  const outcome = await db.transaction(async (tx): Promise<InboxOutcome> => {
    const claimed = await tx
      .insert(inbox)
      .values({ consumer, eventId: event.id, type: event.type })
      .onConflictDoNothing()
      .returning({ eventId: inbox.eventId });
    if (claimed.length === 0) return "duplicate";
    await apply(tx);
    return "applied";
  });
  // On the consumer's span: a redelivery that did nothing is told apart from one that applied.
  trace.getActiveSpan()?.setAttribute("inbox.outcome", outcome);
  return outcome;
}

/**
 * Deletes inbox rows older than `olderThanMs`. Keep them longer than any redelivery can take (the bus's
 * retry schedule plus a broker outage), days not minutes.
 */
export async function pruneInbox<TSchema extends Record<string, unknown>>(
  db: Database<TSchema>,
  olderThanMs: number,
): Promise<void> {
  await db.delete(inbox).where(lte(inbox.processedAt, new Date(Date.now() - olderThanMs)));
}
