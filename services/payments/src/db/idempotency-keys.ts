import { and, eq, lte } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { idempotencyKeys } from "./schema.ts";

/** A stored idempotency key. */
export type KeyRow = typeof idempotencyKeys.$inferSelect;

/** Which key: a user's own. */
export interface KeyId {
  userId: string;
  key: string;
}

/** The fields of a key taken in flight by one request (its lock token). */
export interface InFlightFields {
  requestHash: string;
  lockToken: string;
  lockedAt: Date;
  expiresAt: Date;
}

const keyIs = (id: KeyId) => and(eq(idempotencyKeys.userId, id.userId), eq(idempotencyKeys.key, id.key));

/** The key's row, if stored. */
export async function readKey(db: PaymentsDb, id: KeyId): Promise<KeyRow | undefined> {
  const [row] = await db.select().from(idempotencyKeys).where(keyIs(id));
  return row;
}

/** Inserts the key in flight; false when it exists. */
export async function insertInFlight(db: PaymentsDb, id: KeyId, fields: InFlightFields): Promise<boolean> {
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ ...id, createdAt: fields.lockedAt, state: "in_flight", ...fields })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return claimed.length > 0;
}

/** Takes over a dead key only if it is still exactly as read (same owner, same state); false otherwise. */
export async function takeOver(
  db: PaymentsDb,
  id: KeyId,
  dead: Pick<KeyRow, "lockToken" | "state">,
  fields: InFlightFields,
): Promise<boolean> {
  const claimed = await db
    .update(idempotencyKeys)
    .set({ ...fields, state: "in_flight", responseStatus: null, responseBody: null })
    .where(
      and(keyIs(id), eq(idempotencyKeys.lockToken, dead.lockToken), eq(idempotencyKeys.state, dead.state)),
    )
    .returning({ key: idempotencyKeys.key });
  return claimed.length > 0;
}

/** Completes the key held under `lockToken` with a response (in the caller's transaction); false if not held. */
export async function completeKey(
  db: PaymentsDb,
  id: KeyId,
  lockToken: string,
  response: { status: number; body: string },
): Promise<boolean> {
  const updated = await db
    .update(idempotencyKeys)
    .set({ state: "completed", responseStatus: response.status, responseBody: response.body })
    .where(and(keyIs(id), eq(idempotencyKeys.lockToken, lockToken)))
    .returning({ key: idempotencyKeys.key });
  return updated.length > 0;
}

/** Deletes the key while it is still in flight under `lockToken` (nothing committed under it). */
export async function releaseKey(db: PaymentsDb, id: KeyId, lockToken: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(keyIs(id), eq(idempotencyKeys.lockToken, lockToken), eq(idempotencyKeys.state, "in_flight")));
}

/** Deletes keys whose 24 h are over; returns how many. */
export async function pruneIdempotencyKeys(db: PaymentsDb, now: Date): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
