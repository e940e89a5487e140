import type { EventEnvelope } from "@payments/contracts";
import { and, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { AdminDb } from "./audit-queries.ts";
import { liveSessions } from "./schema.ts";

/**
 * Records a session's start or end. A start never revives a session already ended (its revocation may
 * have been applied first); an end keeps the earliest end time it saw.
 */
export async function trackSession(tx: AdminDb, event: EventEnvelope): Promise<void> {
  if (event.type === "session.started") {
    const d = event.data;
    const startedAt = new Date(event.occurred_at);
    const expiresAt = new Date(d.expires_at);
    await tx
      .insert(liveSessions)
      .values({ sessionId: d.session_id, userId: d.user_id, role: d.role, startedAt, expiresAt })
      .onConflictDoUpdate({
        target: liveSessions.sessionId,
        set: { role: d.role, startedAt, expiresAt },
      });
  } else if (event.type === "session.revoked") {
    const endedAt = new Date(event.occurred_at);
    // Sorted, so two handlers revoking overlapping sets lock rows in one order.
    const rows = [...event.data.session_ids]
      .sort()
      .map((sessionId) => ({ sessionId, userId: event.data.user_id, endedAt }));
    await tx
      .insert(liveSessions)
      .values(rows)
      .onConflictDoUpdate({
        target: liveSessions.sessionId,
        set: { endedAt: sql`least(coalesce(${liveSessions.endedAt}, excluded.ended_at), excluded.ended_at)` },
      });
  }
}

/** Sessions started, not revoked and not expired at `now`. */
export async function countActiveSessions(db: AdminDb, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
    .from(liveSessions)
    .where(and(isNull(liveSessions.endedAt), gt(liveSessions.expiresAt, now)));
  return row?.n ?? 0;
}

/** Deletes sessions that ended or expired before `before` (including ends whose start never came). */
export async function pruneSessions(db: AdminDb, before: Date): Promise<number> {
  const removed = await db
    .delete(liveSessions)
    .where(or(lt(liveSessions.endedAt, before), lt(liveSessions.expiresAt, before)))
    .returning({ id: liveSessions.sessionId });
  return removed.length;
}
