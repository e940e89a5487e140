import { and, asc, count, desc, eq, gte, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { AuthDb } from "../db/queries.ts";
import { users } from "../db/schema.ts";
import {
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "./schema.ts";

export async function insertEndpoint(db: AuthDb, row: WebhookEndpointRow): Promise<void> {
  await db.insert(webhookEndpoints).values(row);
}

export async function countEndpoints(db: AuthDb, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.userId, userId));
  return row?.n ?? 0;
}

export async function listEndpoints(
  db: AuthDb,
  userId: string,
  limit: number,
  startingAfter?: string,
): Promise<WebhookEndpointRow[]> {
  const where = [eq(webhookEndpoints.userId, userId)];
  if (startingAfter) where.push(lt(webhookEndpoints.id, startingAfter));
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(...where))
    .orderBy(desc(webhookEndpoints.id))
    .limit(limit + 1);
}

export async function findEndpoint(db: AuthDb, id: string): Promise<WebhookEndpointRow | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row;
}

export async function updateEndpoint(
  db: AuthDb,
  id: string,
  patch: Partial<WebhookEndpointRow>,
): Promise<WebhookEndpointRow | undefined> {
  const [row] = await db.update(webhookEndpoints).set(patch).where(eq(webhookEndpoints.id, id)).returning();
  return row;
}

export async function deleteEndpoint(db: AuthDb, id: string): Promise<void> {
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
}

/** Enabled endpoints that get an event with these parties: their own, and every admin's (platform-wide). */
export async function endpointsFor(db: AuthDb, parties: string[]): Promise<WebhookEndpointRow[]> {
  const owned = parties.length > 0 ? inArray(webhookEndpoints.userId, parties) : undefined;
  const rows = await db
    .select({ endpoint: webhookEndpoints })
    .from(webhookEndpoints)
    .innerJoin(users, eq(users.id, webhookEndpoints.userId))
    .where(
      and(
        eq(webhookEndpoints.status, "enabled"),
        owned ? or(owned, eq(users.role, "admin")) : eq(users.role, "admin"),
      ),
    );
  return rows.map((r) => r.endpoint);
}

export async function insertDeliveries(db: AuthDb, rows: WebhookDeliveryRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(webhookDeliveries)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  return inserted.length;
}

/**
 * Takes up to `limit` due deliveries and leases them for `leaseMs` (pushes `next_attempt_at` ahead), so two
 * workers never send one at once and a worker that dies mid-send leaves it to be taken again.
 */
export async function claimDue(
  db: AuthDb,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  const lease = new Date(now.getTime() + leaseMs);
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: lease })
      .where(
        inArray(
          webhookDeliveries.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

/** When the next pending delivery is due, if any. */
export async function nextDueAt(db: AuthDb): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: sql<Date | string | null>`min(${webhookDeliveries.nextAttemptAt})` })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, "pending"));
  return row?.at ? new Date(row.at) : undefined;
}

export async function insertAttempt(db: AuthDb, row: Omit<WebhookAttemptRow, "id">): Promise<void> {
  await db.insert(webhookAttempts).values(row);
}

export async function updateDelivery(
  db: AuthDb,
  id: string,
  patch: Partial<WebhookDeliveryRow>,
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id)).returning();
  return row;
}

export async function findDelivery(db: AuthDb, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row;
}

export async function listDeliveries(
  db: AuthDb,
  q: {
    userId: string;
    endpointId?: string;
    status?: WebhookDeliveryRow["status"];
    limit: number;
    startingAfter?: string;
  },
): Promise<WebhookDeliveryRow[]> {
  const where = [eq(webhookDeliveries.userId, q.userId)];
  if (q.endpointId) where.push(eq(webhookDeliveries.endpointId, q.endpointId));
  if (q.status) where.push(eq(webhookDeliveries.status, q.status));
  if (q.startingAfter) where.push(lt(webhookDeliveries.id, q.startingAfter));
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1);
}

/** Attempts of these deliveries, newest first. */
export async function attemptsOf(db: AuthDb, deliveryIds: string[]): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, deliveryIds))
    .orderBy(desc(webhookAttempts.id));
}

/** Failed deliveries of an endpoint created at or after `since`, made pending again now. */
export async function requeueFailed(db: AuthDb, endpointId: string, since: Date, now: Date): Promise<number> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ status: "pending", scheduleAttempts: 0, nextAttemptAt: now, updatedAt: now })
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.status, "failed"),
        gte(webhookDeliveries.createdAt, since),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}
